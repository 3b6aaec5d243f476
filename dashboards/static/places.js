// Nianbao entry page: suggestions while typing a place or agency name.
// The page works without this script (its forms search on the server);
// here each input[data-places] fills its <datalist> from /api/v1/places,
// at most 20 names, a quarter of a second after the last key.
(function () {
  "use strict";
  var kinds = { all: null, county: "county", agency: "agency" };
  document.querySelectorAll("input[data-places]").forEach(function (input) {
    var list = input.list;
    if (!list || !window.fetch) { return; }
    var want = kinds[input.getAttribute("data-places")];
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === "" || q === asked) { return; }
        asked = q;
        fetch("/api/v1/places?limit=20&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { places: [] }; })
          .then(function (res) {
            if (input.value.trim() !== q) { return; }
            list.textContent = "";
            res.places.forEach(function (p) {
              if (want && p.kind !== want) { return; }
              var o = document.createElement("option");
              o.value = want === null ? p.label : p.name;
              o.label = p.label;
              list.appendChild(o);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 250);
    });
  });
})();
