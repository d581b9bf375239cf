// The evidence view's behaviour: a brief item shows its spans; a highlight shows the items it supports.
// Static code only: every piece of article or model text reaches the page as escaped HTML, never as script.
(function () {
  "use strict";
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.ev[data-items]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("button.item[data-item]"));
  var byItem = {};
  marks.forEach(function (mark) {
    mark.getAttribute("data-items").split(" ").forEach(function (id) {
      (byItem[id] = byItem[id] || []).push(mark);
    });
  });
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function show(id) {
    marks.forEach(function (m) { m.classList.remove("active", "flash"); });
    var found = byItem[id] || [];
    if (!found.length) { return; }
    found.forEach(function (m) {
      m.classList.add("active");
      void m.offsetWidth; // restart the flash animation when the same item is clicked again
      m.classList.add("flash");
    });
    found[0].scrollIntoView({ block: "center", inline: "nearest", behavior: reduced ? "auto" : "smooth" });
    found[0].focus({ preventScroll: true });
  }

  function link(mark, on) {
    mark.getAttribute("data-items").split(" ").forEach(function (id) {
      items.forEach(function (b) { if (b.getAttribute("data-item") === id) { b.classList.toggle("linked", on); } });
      (byItem[id] || []).forEach(function (m) { m.classList.toggle("linked", on); });
    });
  }

  items.forEach(function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-item")); });
  });
  marks.forEach(function (mark) {
    mark.addEventListener("mouseenter", function () { link(mark, true); });
    mark.addEventListener("mouseleave", function () { link(mark, false); });
    mark.addEventListener("focus", function () { link(mark, true); });
    mark.addEventListener("blur", function () { link(mark, false); });
  });
})();
