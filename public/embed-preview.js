// The embed settings page's live preview (src/embed/settings.rs): lists the xAPI statements the
// previewed embed sends to its host page. A file, not an inline script: the app's
// Content-Security-Policy, which the preview inherits, runs scripts from this origin only.
document.addEventListener('jieti:event', function (e) {
  var s = e.detail;
  var n = s.object.definition && s.object.definition.name;
  var li = document.createElement('li');
  li.textContent = s.verb.display['en-US'] + ' · ' + (n ? n[Object.keys(n)[0]] : s.object.id);
  document.getElementById('log').appendChild(li);
});
