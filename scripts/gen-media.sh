#!/usr/bin/env bash
# gen-media.sh — generate the demo lesson videos for Jieti.
#
# Usage: scripts/gen-media.sh [OUT_DIR]      (default: <repo root>/media)
#
# Produces, for each demo lesson, a rendition ladder for weak mobile networks
# (144p / 240p / 480p H.264+AAC MP4 with 2 s keyframes, an audio-only AAC
# track and a small poster) plus WebVTT captions in Simplified Chinese and
# English, and OUT_DIR/manifest.json describing it all (measured from the files):
#
#   OUT_DIR/manifest.json
#   OUT_DIR/videos/<id>/{144p.mp4,240p.mp4,480p.mp4,audio.m4a,poster.jpg,zh-Hans.vtt,en.vtt}
#
# Narration is synthesised with espeak-ng, one WAV per sentence; each WAV's
# duration is measured with ffprobe and the caption cues and on-screen text
# are timed from those measurements, so captions line up with the speech.
#
# Idempotent: if OUT_DIR/manifest.json already has this GENERATOR_VERSION (and
# the files it lists exist), nothing is done. Otherwise everything is built in
# a temporary directory next to OUT_DIR, self-checked, and then moved into
# place, so an interrupted or failed run never leaves a half-made media dir.
#
# Needs: ffmpeg (libx264, drawtext), ffprobe, espeak-ng (voices cmn, en-us),
# fonts-noto-cjk, python3 (stdlib only). Bump GENERATOR_VERSION whenever the
# output would change.
set -euo pipefail

GENERATOR_VERSION=1

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

OUT_ARG="${1:-$REPO_ROOT/media}"
case "$OUT_ARG" in
  /*) OUT="$OUT_ARG" ;;
  *) OUT="$PWD/$OUT_ARG" ;;
esac
while [[ "$OUT" == */ && "$OUT" != / ]]; do OUT="${OUT%/}"; done

die() { echo "media: ERROR: $*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || die "python3 not found"

# ---------------------------------------------------------------- fast path
if [[ -f "$OUT/manifest.json" ]] && python3 - "$OUT" "$GENERATOR_VERSION" <<'PY'
import json, os, sys
out, want = sys.argv[1], int(sys.argv[2])
try:
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    if m.get("generator_version") != want:
        sys.exit(1)
    for v in m["videos"]:
        paths = [v["poster"]] + [r["path"] for r in v["renditions"]] + [c["path"] for c in v["captions"]]
        for p in paths:
            if os.path.getsize(os.path.join(out, p)) <= 0:
                sys.exit(1)
except Exception:
    sys.exit(1)
PY
then
  echo "media: up to date ($OUT)"
  exit 0
fi

for tool in ffmpeg ffprobe espeak-ng; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# ---------------------------------------------------------------- work dirs
mkdir -p "$(dirname "$OUT")"
SCRATCH="$(mktemp -d /tmp/gen-media.XXXXXX)"
TMP_OUT="$(mktemp -d "$(dirname "$OUT")/.$(basename "$OUT").tmp.XXXXXX")"
OLD_OUT=""
cleanup() {
  rm -rf "$SCRATCH"
  [[ -n "$TMP_OUT" ]] && rm -rf "$TMP_OUT"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

HELPER="$SCRATCH/helper.py"
cat >"$HELPER" <<'PY'
"""Data and text/timing helpers for gen-media.sh (stdlib only)."""
import json
import math
import os
import re
import struct
import subprocess
import sys
import wave

# Timeline: LEAD s of silence, sentences separated by PAUSE s, TAIL s at the end.
LEAD, PAUSE, TAIL = 0.5, 0.4, 1.0
# Master canvas (the 480p rung); 240p and 144p are scaled down from it.
W, H, FPS = 854, 480, 25

LESSONS = [
    {
        "id": "python-hello",
        "lang": "zh-Hans",
        "bg": "0x1E3A5F",
        "title": {
            "zh-Hans": "Python 入门第 1 课：你的第一个程序",
            "en": "Python Basics, Lesson 1: Your First Program",
        },
        "sentences": [
            ("欢迎来到 Python 入门课，今天我们一起写出第一个程序。",
             "Welcome to Python basics. Today we will write our first program together."),
            ("在编辑器里输入 print，加上括号和引号，再写上“你好，世界”。",
             "In the editor, type print, add parentheses and quotation marks, then write “Hello, world”."),
            ("运行程序，屏幕上就会显示这句话，这就是你的第一行代码。",
             "Run the program and the sentence appears on the screen. That is your first line of code."),
            ("接下来学习变量。变量就像贴了名字的盒子，用来存放数据。",
             "Next come variables. A variable is like a labelled box that stores data."),
            ("比如让 name 等于小明，再用 print 输出 name，屏幕上就会显示小明。",
             "For example, set name to Xiao Ming, then print name, and the screen shows Xiao Ming."),
        ],
    },
    {
        "id": "excel-vlookup",
        "lang": "zh-Hans",
        "bg": "0x1F4A3A",
        "title": {
            "zh-Hans": "Excel 办公技巧：VLOOKUP 查找入门",
            "en": "Excel Skills: Getting Started with VLOOKUP",
        },
        "sentences": [
            ("VLOOKUP 可以根据一个关键值，在表格里找到对应的数据。",
             "VLOOKUP finds the matching data in a table based on a key value."),
            ("它有四个参数：查找值、查找区域、返回第几列，以及匹配方式。",
             "It takes four arguments: the lookup value, the table range, which column to return, and the match type."),
            ("例如用员工编号，在员工表里查出这个人所在的部门。",
             "For example, use an employee ID to look up that person's department in the staff table."),
            ("注意，查找值必须位于查找区域的第一列，否则会找不到。",
             "Note that the lookup value must be in the first column of the range, otherwise nothing is found."),
            ("最后一个参数一般填 FALSE，表示精确匹配。",
             "The last argument is usually FALSE, which means an exact match."),
        ],
    },
    {
        "id": "ecommerce-listing",
        "lang": "zh-Hans",
        "bg": "0x4A3552",
        "title": {
            "zh-Hans": "电商运营入门：如何写好商品标题",
            "en": "E-commerce Basics: Writing a Good Product Title",
        },
        "sentences": [
            ("商品标题决定了买家能不能搜到你的商品，也影响他们会不会点进来。",
             "The product title decides whether buyers can find your item in search, and whether they click on it."),
            ("好标题先写品牌和品类，再写核心卖点，比如材质、尺寸和适用人群。",
             "A good title starts with the brand and category, then the key selling points, such as material, size and who it is for."),
            ("关键词要用买家常搜的说法，不要堆砌重复的词。",
             "Use the words buyers actually search for, and do not stuff in repeated keywords."),
            ("不要使用“最好”“第一”这类夸大的词，平台规则通常不允许。",
             "Avoid exaggerated words such as “best” or “number one”; platform rules usually forbid them."),
            ("写完后用手机看一遍，确保前十几个字就把重点说清楚。",
             "When you finish, check it on a phone and make sure the first dozen or so characters state the key point."),
        ],
    },
    {
        "id": "safety-basics",
        "lang": "en",
        "bg": "0x2F4F4F",
        "title": {
            "zh-Hans": "车间安全：用电基础知识",
            "en": "Workshop Safety: Electrical Basics",
        },
        "sentences": [
            ("在检修任何设备之前，先切断电源，并锁好隔离开关。",
             "Before you work on any machine, switch off the power and lock the isolator."),
            ("一定要用合格的验电器，确认电路已经不带电。",
             "Always confirm that the circuit is dead with an approved voltage tester."),
            ("检查电缆和插头有没有破损，绝不使用电线裸露的设备。",
             "Check cables and plugs for damage, and never use equipment with exposed wires."),
            ("让水和其他液体远离电气设备，并保持双手干燥。",
             "Keep water and other liquids away from electrical equipment, and keep your hands dry."),
            ("如果有人触电，先切断电源，不要直接用手接触触电者，并立即呼救。",
             "If someone gets an electric shock, cut the power first, do not touch them, and call for help."),
        ],
    },
]

VOICE = {"zh-Hans": ("cmn", "150"), "en": ("en-us", "160")}
CAPTION_LABEL = {"zh-Hans": "简体中文", "en": "English"}
TEXT_INDEX = {"zh-Hans": 0, "en": 1}


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ------------------------------------------------------------------ fonts
def cmd_extract_face(ttc, index, out):
    """Copy face INDEX of a TrueType/OpenType collection into a standalone
    font file (drawtext's fontfile= always opens face 0, which in
    NotoSansCJK-*.ttc is the Japanese face with Japanese glyph variants)."""
    index = int(index)
    with open(ttc, "rb") as f:
        data = f.read()
    if data[:4] != b"ttcf":
        raise SystemExit("not a font collection: %s" % ttc)
    num = struct.unpack(">L", data[8:12])[0]
    if not 0 <= index < num:
        raise SystemExit("face %d not in %s (%d faces)" % (index, ttc, num))
    off = struct.unpack(">L", data[12 + 4 * index:16 + 4 * index])[0]
    ntab = struct.unpack(">H", data[off + 4:off + 6])[0]
    header = data[off:off + 12]
    pos = 12 + 16 * ntab
    directory, body = bytearray(), bytearray()
    for i in range(ntab):
        tag, csum, toff, tlen = struct.unpack(">4sLLL", data[off + 12 + 16 * i:off + 28 + 16 * i])
        directory += struct.pack(">4sLLL", tag, csum, pos + len(body), tlen)
        body += data[toff:toff + tlen]
        body += b"\0" * (-len(body) % 4)
    with open(out, "wb") as f:
        f.write(header + directory + body)


# ------------------------------------------------------------------ text layout
ZH_TOKEN = re.compile(
    r"\s+|[“‘（《「(]*(?:[A-Za-z0-9_.+\-]+|\S)[，。！？、；：”’）》」』,.!?;:)]*")


def zh_width(s):
    w = 0.0
    for ch in s:
        if ch.isspace():
            w += 0.3
        elif ord(ch) >= 0x2E80 or 0x2018 <= ord(ch) <= 0x201D:
            w += 1.0
        else:
            w += 0.55
    return w


BREAK_AFTER = tuple("，。！？；：、”’）》」』,.!?;:)")


def wrap(text, lang):
    """Line-break a sentence for the picture: as few lines as fit the max
    width (zh: 16 CJK chars, Latin counting ~half; en: 40 chars), lines of
    similar length, preferring breaks after punctuation (small DP)."""
    if lang == "zh-Hans":
        tokens, widthf, maxw = ZH_TOKEN.findall(text), zh_width, 16.0
    else:
        tokens, widthf, maxw = re.findall(r"\s+|\S+", text), len, 40.0
    n_tok = len(tokens)
    target = widthf(text) / max(1, math.ceil(widthf(text) / maxw))
    INF = float("inf")
    best = [INF] * (n_tok + 1)
    prev = [0] * (n_tok + 1)
    best[0] = 0.0
    for j in range(1, n_tok + 1):
        if j < n_tok and tokens[j].isspace():
            continue  # break before whitespace only via the token after it
        for i in range(j):
            if best[i] == INF or (i and tokens[i - 1].isspace() is False and tokens[i].isspace()):
                continue
            line = "".join(tokens[i:j]).strip()
            if not line:
                continue
            w = widthf(line)
            if w > maxw and j - i > 1:
                continue
            cost = best[i] + 1000.0 + (w - target) ** 2
            if j < n_tok and not line.endswith(BREAK_AFTER):
                cost += 24.0 if lang == "zh-Hans" else 8.0
            if cost < best[j]:
                best[j], prev[j] = cost, i
    lines, j = [], n_tok
    while j > 0:
        lines.append("".join(tokens[prev[j]:j]).strip())
        j = prev[j]
    return lines[::-1]


# ------------------------------------------------------------------ commands
def cmd_prepare(work):
    ids = []
    for lesson in LESSONS:
        d = os.path.join(work, lesson["id"])
        os.makedirs(d, exist_ok=True)
        voice, speed = VOICE[lesson["lang"]]
        write(os.path.join(d, "voice"), voice)
        write(os.path.join(d, "speed"), speed)
        write(os.path.join(d, "n"), str(len(lesson["sentences"])))
        ti = TEXT_INDEX[lesson["lang"]]
        for k, pair in enumerate(lesson["sentences"], 1):
            write(os.path.join(d, "s%02d.say" % k), pair[ti] + "\n")
        with open(os.path.join(d, "lesson.json"), "w", encoding="utf-8") as f:
            json.dump(lesson, f, ensure_ascii=False)
        ids.append(lesson["id"])
    write(os.path.join(work, "ids"), "\n".join(ids) + "\n")


def vtt_time(t):
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3600000)
    m, ms = divmod(ms, 60000)
    s, ms = divmod(ms, 1000)
    return "%02d:%02d:%02d.%03d" % (h, m, s, ms)


def vtt_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fq(path):
    """A path for a filtergraph option value. Only plain paths are used (all
    files live in the mktemp scratch dir), which need no quoting at all."""
    if not re.fullmatch(r"[A-Za-z0-9/._+-]+", path):
        raise SystemExit("unsafe path for filtergraph: %r" % path)
    return path


def cmd_assemble(vwork, vout, font_regular, font_bold):
    """Concatenate the sentence WAVs (with LEAD/PAUSE/TAIL silence) into
    narration.wav, write both VTT files and the ffmpeg filter graph.
    Prints the total duration in seconds."""
    with open(os.path.join(vwork, "lesson.json"), encoding="utf-8") as f:
        lesson = json.load(f)
    n = len(lesson["sentences"])
    with open(os.path.join(vwork, "durations")) as f:
        durs = [float(x) for x in f.read().split()]
    if len(durs) != n:
        raise SystemExit("expected %d durations, got %d" % (n, len(durs)))

    # narration track: sample-exact silence so the timeline equals the cue maths
    params, frames = None, []
    for k in range(1, n + 1):
        with wave.open(os.path.join(vwork, "s%02d.wav" % k), "rb") as w:
            p = w.getparams()
            if params is None:
                params = p
            elif (p.nchannels, p.sampwidth, p.framerate) != (params.nchannels, params.sampwidth, params.framerate):
                raise SystemExit("sentence WAVs differ in format")
            frames.append(w.readframes(w.getnframes()))
    rate, bpf = params.framerate, params.nchannels * params.sampwidth

    def silence(sec):
        return b"\0" * (int(round(sec * rate)) * bpf)

    starts, t = [], LEAD
    for d in durs:
        starts.append(t)
        t += d + PAUSE
    total = t - PAUSE + TAIL
    with wave.open(os.path.join(vwork, "narration.wav"), "wb") as w:
        w.setnchannels(params.nchannels)
        w.setsampwidth(params.sampwidth)
        w.setframerate(rate)
        w.writeframes(silence(LEAD))
        for k, fr in enumerate(frames):
            if k:
                w.writeframes(silence(PAUSE))
            w.writeframes(fr)
        w.writeframes(silence(TAIL))

    # captions: same cue timings in both languages, cue = the spoken sentence
    for lang in ("zh-Hans", "en"):
        ti = TEXT_INDEX[lang]
        out = ["WEBVTT", ""]
        for k, (pair, s, d) in enumerate(zip(lesson["sentences"], starts, durs), 1):
            out += [str(k), "%s --> %s" % (vtt_time(s), vtt_time(s + d)), vtt_escape(pair[ti]), ""]
        write(os.path.join(vout, "%s.vtt" % lang), "\n".join(out))

    # picture: title bar, current sentence centred, sentence counter, timestamp
    lang = lesson["lang"]
    ti = TEXT_INDEX[lang]
    fs, lh = (40, 58) if lang == "zh-Hans" else (32, 46)
    tdir = os.path.join(vwork, "text")
    os.makedirs(tdir, exist_ok=True)
    write(os.path.join(tdir, "title.txt"), lesson["title"][lang])
    write(os.path.join(tdir, "clock.txt"), "%{pts:hms}")
    reg, bold = fq(font_regular), fq(font_bold)
    f = [
        "drawbox=x=0:y=0:w=iw:h=66:color=black@0.25:t=fill",
        "drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=26:fontcolor=0xFFE8A3:"
        "x=(w-text_w)/2:y=47-ascent" % (bold, fq(os.path.join(tdir, "title.txt"))),
    ]
    mid = (66 + H - 40) / 2.0
    for k, (pair, s) in enumerate(zip(lesson["sentences"], starts), 1):
        show_from = 0.0 if k == 1 else s
        show_to = starts[k] if k < n else total + 1.0
        enable = "enable='gte(t,%.3f)*lt(t,%.3f)'" % (show_from, show_to)
        lines = wrap(pair[ti], lang)
        first_baseline = mid - len(lines) * lh / 2.0 + lh * 0.78
        for j, line in enumerate(lines):
            p = os.path.join(tdir, "s%02d_%d.txt" % (k, j))
            write(p, line)
            f.append("drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=%d:fontcolor=white:"
                     "x=(w-text_w)/2:y=%d-ascent:%s"
                     % (reg, fq(p), fs, round(first_baseline + j * lh), enable))
        p = os.path.join(tdir, "count%02d.txt" % k)
        write(p, "%d / %d" % (k, n))
        f.append("drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=20:fontcolor=white@0.6:"
                 "x=18:y=h-16-ascent:%s" % (reg, fq(p), enable))
    f.append("drawtext=fontfile=%s:textfile=%s:fontsize=20:fontcolor=white@0.6:"
             "x=w-150:y=h-16-ascent" % (reg, fq(os.path.join(tdir, "clock.txt"))))
    f.append("format=yuv420p,split=3[m144][m240][m480]")
    graph = ["color=c=%s:s=%dx%d:r=%d:d=%.3f[bg]" % (lesson["bg"], W, H, FPS, total),
             "[bg]" + ",\n".join(f),
             "[m144]fps=15,scale=256:144:flags=area,setsar=1[v144]",
             "[m240]fps=15,scale=426:240:flags=area,setsar=1[v240]",
             "[m480]setsar=1[v480]"]
    write(os.path.join(vwork, "graph.txt"), ";\n".join(graph) + "\n")
    print("%.3f" % total)


def probe(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries",
         "format=duration:stream=codec_type,width,height", "-of", "json", path],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


RUNGS = [  # id, file, kind, mime
    ("144p", "144p.mp4", "video", "video/mp4"),
    ("240p", "240p.mp4", "video", "video/mp4"),
    ("480p", "480p.mp4", "video", "video/mp4"),
    ("audio", "audio.m4a", "audio", "audio/mp4"),
]


def cmd_manifest(out, work, version):
    with open(os.path.join(work, "ids")) as f:
        ids = f.read().split()
    videos = []
    for vid in ids:
        with open(os.path.join(work, vid, "lesson.json"), encoding="utf-8") as f:
            lesson = json.load(f)
        rel = "videos/%s" % vid
        rends, durations = [], []
        for rid, name, kind, mime in RUNGS:
            path = os.path.join(out, rel, name)
            info = probe(path)
            dur = float(info["format"]["duration"])
            size = os.path.getsize(path)
            vstreams = [s for s in info["streams"] if s.get("codec_type") == "video"]
            width = vstreams[0]["width"] if vstreams else 0
            height = vstreams[0]["height"] if vstreams else 0
            durations.append(dur)
            rends.append({"id": rid, "kind": kind, "width": width, "height": height,
                          "bitrate_kbps": round(size * 8 / dur / 1000), "bytes": size,
                          "path": "%s/%s" % (rel, name), "mime": mime})
        rends.sort(key=lambda r: (r["kind"] != "audio", r["bitrate_kbps"]))
        videos.append({
            "id": vid,
            "lang": lesson["lang"],
            "title": lesson["title"][lesson["lang"]],
            "duration_s": round(max(durations), 2),
            "poster": "%s/poster.jpg" % rel,
            "renditions": rends,
            "captions": [{"lang": l, "label": CAPTION_LABEL[l], "path": "%s/%s.vtt" % (rel, l)}
                         for l in ("zh-Hans", "en")],
        })
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"generator_version": int(version), "videos": videos}, f, ensure_ascii=False, indent=2)
        f.write("\n")


def cmd_check(out):
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    errors, warnings, summary = [], [], []
    expected = {"144p": (256, 144), "240p": (426, 240), "480p": (854, 480), "audio": (0, 0)}
    for v in m["videos"]:
        paths = [v["poster"]] + [r["path"] for r in v["renditions"]] + [c["path"] for c in v["captions"]]
        for p in paths:
            full = os.path.join(out, p)
            if not os.path.isfile(full) or os.path.getsize(full) == 0:
                errors.append("%s: missing or empty" % p)
        parts = []
        for r in v["renditions"]:
            if (r["width"], r["height"]) != expected[r["id"]]:
                errors.append("%s: %dx%d, expected %dx%d" % ((r["path"], r["width"], r["height"]) + expected[r["id"]]))
            if r["id"] in ("144p", "240p") and r["bitrate_kbps"] > 150:
                errors.append("%s: %d kbps > 150 kbps" % (r["path"], r["bitrate_kbps"]))
            if r["id"] == "144p" and r["bitrate_kbps"] > 110:
                warnings.append("%s: %d kbps > 110 kbps target" % (r["path"], r["bitrate_kbps"]))
            parts.append("%s %d KB/%d kbps" % (r["id"], round(r["bytes"] / 1024), r["bitrate_kbps"]))
        cues = set()
        for c in v["captions"]:
            full = os.path.join(out, c["path"])
            if os.path.isfile(full):
                with open(full, encoding="utf-8") as f:
                    text = f.read()
                if not text.startswith("WEBVTT\n"):
                    errors.append("%s: no WEBVTT header" % c["path"])
                cues.add(tuple(re.findall(r"^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$", text, re.M)))
        if len(cues) != 1 or not next(iter(cues)):
            errors.append("%s: caption cue timings missing or differ between languages" % v["id"])
        poster = os.path.join(out, v["poster"])
        psize = os.path.getsize(poster) if os.path.isfile(poster) else 0
        if psize >= 30 * 1024:
            warnings.append("%s: %d bytes (>= 30 KB)" % (v["poster"], psize))
        summary.append("media: %-18s %6.2f s | %s | poster %d KB"
                       % (v["id"], v["duration_s"], " · ".join(parts), round(psize / 1024)))
    print("\n".join(summary))
    for w in warnings:
        print("media: WARNING: " + w, file=sys.stderr)
    if errors:
        for e in errors:
            print("media: CHECK FAILED: " + e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"extract-face": cmd_extract_face, "prepare": cmd_prepare, "assemble": cmd_assemble,
     "manifest": cmd_manifest, "check": cmd_check}[cmd](*args)
PY

# ---------------------------------------------------------------- fonts
# Resolve the Simplified Chinese face of Noto Sans CJK. drawtext's fontfile=
# always loads face 0 of a .ttc (the Japanese face), so a non-zero face is
# copied out into a standalone font file in the scratch dir.
FALLBACK_REGULAR=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
FALLBACK_BOLD=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
resolve_font() { # pattern fallback_file out_name -> prints usable font path
  local spec="" file="" index=0
  if command -v fc-match >/dev/null 2>&1; then
    spec="$(fc-match "$1" --format='%{file}|%{index}' 2>/dev/null || true)"
    file="${spec%|*}"
    index="${spec##*|}"
  fi
  if [[ -z "$file" || ! -f "$file" || "$file" != *CJK* ]]; then
    file="$2"
    index=2 # Noto Sans CJK .ttc face order: JP, KR, SC, TC, HK
  fi
  [[ -f "$file" ]] || return 1
  [[ "$index" =~ ^[0-9]+$ ]] || index=0
  if [[ "$file" == *.ttc && "$index" != 0 ]]; then
    python3 "$HELPER" extract-face "$file" "$index" "$SCRATCH/$3.otf" || return 1
    echo "$SCRATCH/$3.otf"
  else # link it under a plain name: the path goes into the filter graph
    ln -sf "$file" "$SCRATCH/$3.${file##*.}"
    echo "$SCRATCH/$3.${file##*.}"
  fi
}
FONT_REGULAR="$(resolve_font "Noto Sans CJK SC" "$FALLBACK_REGULAR" font-regular)" \
  || die "Noto Sans CJK not found (install fonts-noto-cjk)"
FONT_BOLD="$(resolve_font "Noto Sans CJK SC:bold" "$FALLBACK_BOLD" font-bold)" \
  || FONT_BOLD="$FONT_REGULAR"

# ---------------------------------------------------------------- generate
echo "media: generating into $OUT (generator v$GENERATOR_VERSION)"
python3 "$HELPER" prepare "$SCRATCH"
mapfile -t IDS <"$SCRATCH/ids"
COUNT=${#IDS[@]}

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
X264_COMMON=(-c:v libx264 -preset veryfast -pix_fmt yuv420p -sc_threshold 0 -movflags +faststart)
# espeak-ng speaks at 22.05 kHz mono; keep that. ffmpeg's native AAC encoder
# overshoots its -b:a by ~20 % on this speech, so the requested rates are set
# lower to land near the nominal 24 / 32 / 64 kbps (measured: ~23 / ~32 / ~64).
AAC=(-c:a aac -ac 1 -ar 22050)

for i in "${!IDS[@]}"; do
  id="${IDS[$i]}"
  vw="$SCRATCH/$id"
  vo="$TMP_OUT/videos/$id"
  mkdir -p "$vo"
  voice="$(<"$vw/voice")"
  speed="$(<"$vw/speed")"
  n="$(<"$vw/n")"
  echo "media: generating video $((i + 1))/$COUNT ($id) — narration, $n sentences …"

  : >"$vw/durations"
  for ((k = 1; k <= n; k++)); do
    s="$(printf '%s/s%02d' "$vw" "$k")"
    espeak-ng -v "$voice" -s "$speed" -f "$s.say" -w "$s.wav"
    ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$s.wav" >>"$vw/durations"
  done
  total="$(python3 "$HELPER" assemble "$vw" "$vo" "$FONT_REGULAR" "$FONT_BOLD")"

  echo "media: generating video $((i + 1))/$COUNT ($id) — encoding ${total} s: 144p, 240p, 480p, audio …"
  "${FF[@]}" -i "$vw/narration.wav" -filter_complex_script "$vw/graph.txt" \
    -map '[v144]' -map 0:a "${X264_COMMON[@]}" -profile:v baseline -level:v 3.0 \
      -r 15 -g 30 -keyint_min 30 -b:v 70k -maxrate 80k -bufsize 160k \
      "${AAC[@]}" -b:a 20k "$vo/144p.mp4" \
    -map '[v240]' -map 0:a "${X264_COMMON[@]}" -profile:v baseline -level:v 3.0 \
      -r 15 -g 30 -keyint_min 30 -b:v 110k -maxrate 120k -bufsize 240k \
      "${AAC[@]}" -b:a 26k "$vo/240p.mp4" \
    -map '[v480]' -map 0:a "${X264_COMMON[@]}" -profile:v main -level:v 3.1 \
      -r 25 -g 50 -keyint_min 50 -b:v 500k -maxrate 550k -bufsize 1000k \
      "${AAC[@]}" -b:a 54k "$vo/480p.mp4" \
    -map 0:a -vn "${AAC[@]}" -b:a 26k -movflags +faststart "$vo/audio.m4a"

  # poster: frame at 1 s, 480 px wide, lower the JPEG quality until < 30 KB
  for q in 4 6 8 10 14 20; do
    "${FF[@]}" -ss 1 -i "$vo/480p.mp4" -frames:v 1 -vf scale=480:-2:flags=area -q:v "$q" "$vo/poster.jpg"
    (($(stat -c %s "$vo/poster.jpg") < 30720)) && break
  done
done

echo "media: writing manifest and checking …"
python3 "$HELPER" manifest "$TMP_OUT" "$SCRATCH" "$GENERATOR_VERSION"
python3 "$HELPER" check "$TMP_OUT" || die "self-check failed; $OUT left unchanged"

# ---------------------------------------------------------------- install
if [[ -e "$OUT" ]]; then
  OLD_OUT="$(dirname "$OUT")/.$(basename "$OUT").old.$$"
  mv -T "$OUT" "$OLD_OUT"
fi
if ! mv -T "$TMP_OUT" "$OUT"; then
  [[ -n "$OLD_OUT" ]] && mv -T "$OLD_OUT" "$OUT"
  die "could not move generated media into $OUT"
fi
TMP_OUT=""
[[ -n "$OLD_OUT" ]] && rm -rf "$OLD_OUT"
echo "media: done in ${SECONDS} s → $OUT"
