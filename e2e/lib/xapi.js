// A checker for xAPI 1.0.3 statements as a client sends them (xAPI-Data.md, §2.2–2.4): what an
// LRS must refuse. validateStatement(s) returns a list of problems, each naming the property's
// path; an empty list means the statement is fine. It is deliberately strict where the spec is:
// unknown properties, null and undefined values (postMessage keeps `undefined`, JSON does not),
// an Agent with more than one identifier, language maps with keys that are not RFC 5646 tags.

const TOP = ['id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'stored', 'authority', 'version', 'attachments'];
const SUB_TOP = ['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];
const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'];
const INTERACTION_TYPES = ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'];
const COMPONENT_LISTS = { choices: ['choice', 'sequencing'], scale: ['likert'], source: ['matching'], target: ['matching'], steps: ['performance'] };
const CONTEXT_ACTIVITY_KEYS = ['parent', 'grouping', 'category', 'other'];

/** A UUID in its standard string form, variant 2 (RFC 4122/9562), any version 1–8. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** RFC 5646 language tags (the productions that occur; grandfathered tags are not accepted). */
const LANG_TAG = new RegExp('^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})'
  + '(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\\d{3}))?(?:-(?:[a-z\\d]{5,8}|\\d[a-z\\d]{3}))*'
  + '(?:-[0-9a-wy-z](?:-[a-z\\d]{2,8})+)*(?:-x(?:-[a-z\\d]{1,8})+)?|x(?:-[a-z\\d]{1,8})+)$', 'i');
/** ISO 8601 date-time with a time zone (Z or ±hh:mm / ±hhmm / ±hh). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;
/** ISO 8601 duration: PnYnMnDTnHnMnS (at least one part; T only with a time part), or PnW. */
const DURATION = /^P(?:\d+(?:[.,]\d+)?W|(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$/;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An absolute IRI: a scheme, then no spaces nor characters IRIs exclude. */
export function isAbsoluteIri(v) {
  if (typeof v !== 'string' || !/^[a-z][a-z\d+.-]*:\S+$/i.test(v) || /[\s<>"{}|\\^`]/.test(v)) return false;
  if (/^https?:/i.test(v)) {
    try {
      return Boolean(new URL(v).host);
    } catch (_) {
      return false;
    }
  }
  return true;
}

/** An absolute IRL: an absolute IRI that locates something (http or https with a host). */
export function isAbsoluteIrl(v) {
  return isAbsoluteIri(v) && /^https?:\/\/[^/?#]+/i.test(v);
}

export const isLanguageTag = (v) => typeof v === 'string' && LANG_TAG.test(v);
export const isUuid = (v) => typeof v === 'string' && UUID.test(v);
export const isDuration = (v) => typeof v === 'string' && DURATION.test(v);

/** ISO 8601 timestamp with a zone, a real date, and not the "-00:00" offset xAPI forbids. */
export function isTimestamp(v) {
  const m = typeof v === 'string' && v.match(TIMESTAMP);
  if (!m) return false;
  const [, y, mo, d, h, mi, s = '0', zone] = m;
  if (/^-00(?::?00)?$/.test(zone)) return false;
  const date = new Date(Date.UTC(+y, +mo - 1, +d));
  return date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d && +h <= 23 && +mi <= 59 && +s <= 60;
}

/** Validates one statement; returns its problems (empty when it is valid). */
export function validateStatement(s) {
  const problems = [];
  const bad = (path, what) => problems.push(`${path}: ${what}`);
  noEmptyValues(s, 'statement', bad);
  if (!isObject(s)) {
    bad('statement', 'must be a JSON object');
    return problems;
  }
  statementBody(s, 'statement', TOP, bad);
  if (s.id !== undefined && !isUuid(s.id)) bad('statement.id', `not a UUID: ${JSON.stringify(s.id)}`);
  if (s.stored !== undefined && !isTimestamp(s.stored)) bad('statement.stored', 'not an ISO 8601 timestamp with a time zone');
  if (s.authority !== undefined) agent(s.authority, 'statement.authority', bad);
  if (s.version !== undefined && !(typeof s.version === 'string' && /^1\.0(\.\d+)?$/.test(s.version))) bad('statement.version', 'must be 1.0.x');
  return problems;
}

/** What a statement and a SubStatement share. */
function statementBody(s, path, allowed, bad) {
  unknownKeys(s, allowed, path, bad);
  for (const k of ['actor', 'verb', 'object']) if (s[k] === undefined) bad(`${path}.${k}`, 'is required');
  if (s.actor !== undefined) agent(s.actor, `${path}.actor`, bad);
  if (s.verb !== undefined) verb(s.verb, `${path}.verb`, bad);
  let objectIsActivity = false;
  if (s.object !== undefined) objectIsActivity = object(s.object, `${path}.object`, bad, path === 'statement');
  if (s.result !== undefined) result(s.result, `${path}.result`, bad);
  if (s.context !== undefined) context(s.context, `${path}.context`, bad, objectIsActivity);
  if (s.timestamp !== undefined && !isTimestamp(s.timestamp)) bad(`${path}.timestamp`, `not an ISO 8601 timestamp with a time zone: ${JSON.stringify(s.timestamp)}`);
  if (s.attachments !== undefined) attachments(s.attachments, `${path}.attachments`, bad);
}

/** No undefined or null anywhere (keys of extensions included): JSON would drop or keep them. */
function noEmptyValues(v, path, bad) {
  if (v === undefined) return bad(path, 'is undefined');
  if (v === null) return bad(path, 'is null');
  if (typeof v === 'number' && !Number.isFinite(v)) return bad(path, 'is not a finite number');
  if (Array.isArray(v)) v.forEach((x, i) => noEmptyValues(x, `${path}[${i}]`, bad));
  else if (typeof v === 'object') for (const k of Object.keys(v)) noEmptyValues(v[k], `${path}.${k}`, bad);
  return undefined;
}

function unknownKeys(o, allowed, path, bad) {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(`${path}.${k}`, 'is not a property xAPI defines here');
}

function languageMap(m, path, bad) {
  if (!isObject(m)) return bad(path, 'must be a language map (object)');
  for (const [k, v] of Object.entries(m)) {
    if (!isLanguageTag(k)) bad(`${path}`, `key ${JSON.stringify(k)} is not an RFC 5646 language tag`);
    if (typeof v !== 'string') bad(`${path}.${k}`, 'must be a string');
  }
  return undefined;
}

function extensions(m, path, bad) {
  if (!isObject(m)) return bad(path, 'must be an object');
  for (const k of Object.keys(m)) if (!isAbsoluteIri(k)) bad(path, `key ${JSON.stringify(k)} is not an absolute IRI`);
  return undefined;
}

/** An Agent or a Group (actor, authority, instructor, team, or an object). */
function agent(a, path, bad, { group = true } = {}) {
  if (!isObject(a)) return bad(path, 'must be an Agent or a Group');
  const type = a.objectType ?? 'Agent';
  if (type === 'Group' && group) {
    unknownKeys(a, ['objectType', 'name', 'member', ...IFIS], path, bad);
    const ifis = IFIS.filter((k) => a[k] !== undefined);
    if (ifis.length > 1) bad(path, `an identified Group has exactly one identifier, not ${ifis.join(' and ')}`);
    if (ifis.length === 1) identifier(a, ifis[0], path, bad);
    if (ifis.length === 0 && !Array.isArray(a.member)) bad(`${path}.member`, 'an anonymous Group lists its members');
    if (a.member !== undefined) {
      if (!Array.isArray(a.member)) bad(`${path}.member`, 'must be an array of Agents');
      else a.member.forEach((m, i) => agent(m, `${path}.member[${i}]`, bad, { group: false }));
    }
  } else if (type === 'Agent') {
    unknownKeys(a, ['objectType', 'name', ...IFIS], path, bad);
    const ifis = IFIS.filter((k) => a[k] !== undefined);
    if (ifis.length !== 1) bad(path, `an Agent has exactly one identifier (mbox, mbox_sha1sum, openid or account), has ${ifis.length ? ifis.join(' and ') : 'none'}`);
    for (const k of ifis) identifier(a, k, path, bad);
  } else {
    bad(`${path}.objectType`, `must be Agent${group ? ' or Group' : ''}, not ${JSON.stringify(type)}`);
  }
  if (a.name !== undefined && typeof a.name !== 'string') bad(`${path}.name`, 'must be a string');
  return undefined;
}

function identifier(a, k, path, bad) {
  const v = a[k];
  if (k === 'mbox' && !(typeof v === 'string' && /^mailto:[^@\s]+@[^@\s]+$/.test(v))) bad(`${path}.mbox`, 'must be a mailto: IRI');
  if (k === 'mbox_sha1sum' && !(typeof v === 'string' && /^[0-9a-f]{40}$/i.test(v))) bad(`${path}.mbox_sha1sum`, 'must be 40 hex digits');
  if (k === 'openid' && !isAbsoluteIri(v)) bad(`${path}.openid`, 'must be an absolute URI');
  if (k === 'account') {
    if (!isObject(v)) return bad(`${path}.account`, 'must be an object');
    unknownKeys(v, ['homePage', 'name'], `${path}.account`, bad);
    if (!isAbsoluteIrl(v.homePage)) bad(`${path}.account.homePage`, `must be an absolute IRL: ${JSON.stringify(v.homePage)}`);
    if (!(typeof v.name === 'string' && v.name.length > 0)) bad(`${path}.account.name`, 'must be a non-empty string');
  }
  return undefined;
}

function verb(v, path, bad) {
  if (!isObject(v)) return bad(path, 'must be an object');
  unknownKeys(v, ['id', 'display'], path, bad);
  if (!isAbsoluteIri(v.id)) bad(`${path}.id`, `must be an absolute IRI: ${JSON.stringify(v.id)}`);
  if (v.display !== undefined) languageMap(v.display, `${path}.display`, bad);
  return undefined;
}

/** The object; true when it is an Activity. */
function object(o, path, bad, topLevel) {
  if (!isObject(o)) {
    bad(path, 'must be an object');
    return false;
  }
  const type = o.objectType ?? 'Activity';
  if (type === 'Activity') {
    activity(o, path, bad);
    return true;
  }
  if (type === 'Agent' || type === 'Group') agent(o, path, bad);
  else if (type === 'StatementRef') {
    unknownKeys(o, ['objectType', 'id'], path, bad);
    if (!isUuid(o.id)) bad(`${path}.id`, 'a StatementRef names a statement by its UUID');
  } else if (type === 'SubStatement') {
    if (!topLevel) bad(path, 'a SubStatement cannot be nested in a SubStatement');
    else {
      statementBody(o, path, SUB_TOP, bad);
      if (isObject(o.object) && o.object.objectType === 'SubStatement') bad(`${path}.object`, 'a SubStatement cannot contain a SubStatement');
    }
  } else bad(`${path}.objectType`, `unknown objectType ${JSON.stringify(type)}`);
  return false;
}

function activity(o, path, bad) {
  unknownKeys(o, ['objectType', 'id', 'definition'], path, bad);
  if (!isAbsoluteIri(o.id)) bad(`${path}.id`, `must be an absolute IRI: ${JSON.stringify(o.id)}`);
  const d = o.definition;
  if (d === undefined) return;
  if (!isObject(d)) return void bad(`${path}.definition`, 'must be an object');
  const dp = `${path}.definition`;
  unknownKeys(d, ['name', 'description', 'type', 'moreInfo', 'extensions', 'interactionType', 'correctResponsesPattern', ...Object.keys(COMPONENT_LISTS)], dp, bad);
  if (d.name !== undefined) languageMap(d.name, `${dp}.name`, bad);
  if (d.description !== undefined) languageMap(d.description, `${dp}.description`, bad);
  if (d.type !== undefined && !isAbsoluteIri(d.type)) bad(`${dp}.type`, `must be an absolute IRI: ${JSON.stringify(d.type)}`);
  if (d.moreInfo !== undefined && !isAbsoluteIrl(d.moreInfo)) bad(`${dp}.moreInfo`, 'must be an absolute IRL');
  if (d.extensions !== undefined) extensions(d.extensions, `${dp}.extensions`, bad);
  if (d.interactionType !== undefined && !INTERACTION_TYPES.includes(d.interactionType)) {
    bad(`${dp}.interactionType`, `${JSON.stringify(d.interactionType)} is not one of ${INTERACTION_TYPES.join(', ')}`);
  }
  if (d.correctResponsesPattern !== undefined) {
    if (d.interactionType === undefined) bad(`${dp}.correctResponsesPattern`, 'only with an interactionType');
    if (!Array.isArray(d.correctResponsesPattern) || d.correctResponsesPattern.some((p) => typeof p !== 'string')) {
      bad(`${dp}.correctResponsesPattern`, 'must be an array of strings');
    }
  }
  for (const [list, types] of Object.entries(COMPONENT_LISTS)) {
    if (d[list] === undefined) continue;
    if (!types.includes(d.interactionType)) bad(`${dp}.${list}`, `only with interactionType ${types.join(' or ')}`);
    if (!Array.isArray(d[list])) {
      bad(`${dp}.${list}`, 'must be an array of interaction components');
      continue;
    }
    const ids = new Set();
    d[list].forEach((c, i) => {
      const cp = `${dp}.${list}[${i}]`;
      if (!isObject(c)) return bad(cp, 'must be an object');
      unknownKeys(c, ['id', 'description'], cp, bad);
      if (!(typeof c.id === 'string' && c.id.length > 0 && !/\s/.test(c.id))) bad(`${cp}.id`, 'must be a string without whitespace');
      if (ids.has(c.id)) bad(`${cp}.id`, 'ids of a list must be distinct');
      ids.add(c.id);
      if (c.description !== undefined) languageMap(c.description, `${cp}.description`, bad);
      return undefined;
    });
  }
}

function result(r, path, bad) {
  if (!isObject(r)) return bad(path, 'must be an object');
  unknownKeys(r, ['score', 'success', 'completion', 'response', 'duration', 'extensions'], path, bad);
  if (r.score !== undefined) score(r.score, `${path}.score`, bad);
  for (const k of ['success', 'completion']) if (r[k] !== undefined && typeof r[k] !== 'boolean') bad(`${path}.${k}`, 'must be true or false');
  if (r.response !== undefined && typeof r.response !== 'string') bad(`${path}.response`, 'must be a string');
  if (r.duration !== undefined && !isDuration(r.duration)) bad(`${path}.duration`, `not an ISO 8601 duration: ${JSON.stringify(r.duration)}`);
  if (r.extensions !== undefined) extensions(r.extensions, `${path}.extensions`, bad);
  return undefined;
}

function score(sc, path, bad) {
  if (!isObject(sc)) return bad(path, 'must be an object');
  unknownKeys(sc, ['scaled', 'raw', 'min', 'max'], path, bad);
  for (const k of ['scaled', 'raw', 'min', 'max']) {
    if (sc[k] !== undefined && !(typeof sc[k] === 'number' && Number.isFinite(sc[k]))) bad(`${path}.${k}`, 'must be a number');
  }
  const num = (k) => typeof sc[k] === 'number' && Number.isFinite(sc[k]);
  if (num('scaled') && (sc.scaled < -1 || sc.scaled > 1)) bad(`${path}.scaled`, `${sc.scaled} is outside [-1, 1]`);
  if (num('min') && num('max') && !(sc.min < sc.max)) bad(path, `min (${sc.min}) must be less than max (${sc.max})`);
  if (num('raw') && num('min') && sc.raw < sc.min) bad(`${path}.raw`, `${sc.raw} is below min ${sc.min}`);
  if (num('raw') && num('max') && sc.raw > sc.max) bad(`${path}.raw`, `${sc.raw} is above max ${sc.max}`);
  return undefined;
}

function context(c, path, bad, objectIsActivity) {
  if (!isObject(c)) return bad(path, 'must be an object');
  unknownKeys(c, ['registration', 'instructor', 'team', 'contextActivities', 'revision', 'platform', 'language', 'statement', 'extensions'], path, bad);
  if (c.registration !== undefined && !isUuid(c.registration)) bad(`${path}.registration`, `not a UUID: ${JSON.stringify(c.registration)}`);
  if (c.instructor !== undefined) agent(c.instructor, `${path}.instructor`, bad);
  if (c.team !== undefined) {
    if (!isObject(c.team) || c.team.objectType !== 'Group') bad(`${path}.team`, 'must be a Group');
    else agent(c.team, `${path}.team`, bad);
  }
  if (c.contextActivities !== undefined) {
    const ca = c.contextActivities;
    if (!isObject(ca)) bad(`${path}.contextActivities`, 'must be an object');
    else {
      unknownKeys(ca, CONTEXT_ACTIVITY_KEYS, `${path}.contextActivities`, bad);
      for (const k of CONTEXT_ACTIVITY_KEYS) {
        if (ca[k] === undefined) continue;
        if (!Array.isArray(ca[k])) bad(`${path}.contextActivities.${k}`, 'must be an array of Activities');
        else ca[k].forEach((a, i) => {
          const ap = `${path}.contextActivities.${k}[${i}]`;
          if (!isObject(a)) return bad(ap, 'must be an Activity');
          if (a.objectType !== undefined && a.objectType !== 'Activity') bad(`${ap}.objectType`, 'must be Activity');
          activity(a, ap, bad);
          return undefined;
        });
      }
    }
  }
  for (const k of ['revision', 'platform']) {
    if (c[k] === undefined) continue;
    if (typeof c[k] !== 'string') bad(`${path}.${k}`, 'must be a string');
    if (!objectIsActivity) bad(`${path}.${k}`, 'only when the object is an Activity');
  }
  if (c.language !== undefined && !isLanguageTag(c.language)) bad(`${path}.language`, `not an RFC 5646 language tag: ${JSON.stringify(c.language)}`);
  if (c.statement !== undefined) {
    if (!isObject(c.statement) || c.statement.objectType !== 'StatementRef' || !isUuid(c.statement.id)) {
      bad(`${path}.statement`, 'must be a StatementRef');
    }
  }
  if (c.extensions !== undefined) extensions(c.extensions, `${path}.extensions`, bad);
  return undefined;
}

function attachments(list, path, bad) {
  if (!Array.isArray(list)) return bad(path, 'must be an array');
  list.forEach((a, i) => {
    const ap = `${path}[${i}]`;
    if (!isObject(a)) return bad(ap, 'must be an object');
    unknownKeys(a, ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl'], ap, bad);
    if (!isAbsoluteIri(a.usageType)) bad(`${ap}.usageType`, 'must be an absolute IRI');
    languageMap(a.display, `${ap}.display`, bad);
    if (a.description !== undefined) languageMap(a.description, `${ap}.description`, bad);
    if (typeof a.contentType !== 'string') bad(`${ap}.contentType`, 'must be a MIME type');
    if (!Number.isInteger(a.length) || a.length < 0) bad(`${ap}.length`, 'must be a non-negative integer');
    if (!(typeof a.sha2 === 'string' && /^[0-9a-f]{56,128}$/i.test(a.sha2))) bad(`${ap}.sha2`, 'must be a SHA-2 hex digest');
    if (a.fileUrl !== undefined && !isAbsoluteIrl(a.fileUrl)) bad(`${ap}.fileUrl`, 'must be an absolute IRL');
    return undefined;
  });
  return undefined;
}
