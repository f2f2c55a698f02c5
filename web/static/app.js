// wxarchive viewer: a little progressive enhancement, nothing required.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // The version pickers of the diff page compare as soon as one changes.
  document.querySelectorAll("form.pick select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // "/" focuses the search box, as on most sites.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var box = document.querySelector(".searchbox input[type=search]");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
});
