// Opened from disk (file://), the browser will not start the search's web worker, and the
// theme then hides its search box without a word. Say so in its place, and how to search.
(function () {
  if (location.protocol !== "file:") return;
  var how = "Search needs a web server: run 'make serve-docs' and open http://127.0.0.1:8000/";
  function tell() {
    var header = document.querySelector(".md-header__inner");
    if (header && !document.querySelector(".agx-no-search")) {
      var note = document.createElement("div");
      note.className = "agx-no-search";
      note.title = how;
      note.textContent = "Search: run make serve-docs";
      header.insertBefore(note, document.querySelector(".md-header__source"));
    }
    document.querySelectorAll(".md-search__input").forEach(function (input) {
      input.placeholder = "Search needs a web server (make serve-docs)";
      input.title = how;
      input.disabled = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", tell);
  } else {
    tell();
  }
})();
