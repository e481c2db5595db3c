/* The patrol page: ticks the due venues on request and draws the planned route (villages,
   the line, numbered stops, start and end) from the JSON block #patrol-data. Every text
   is set with textContent; no data is ever written into JavaScript. No build step. */
(function () {
  "use strict";
  var pick = document.getElementById("pick-due");
  if (pick) {
    pick.addEventListener("click", function () {
      document.querySelectorAll(".patrol-table tbody tr").forEach(function (tr) {
        var box = tr.querySelector("input[type=checkbox]");
        if (box) { box.checked = tr.classList.contains("due"); }
      });
    });
  }
  var form = document.getElementById("patrol-form");
  var day = form && form.querySelector("input[name=day]");
  if (day) {  // another day: its own due list (no venue carried over)
    day.addEventListener("change", function () {
      if (!day.value) { return; }
      form.querySelectorAll("input[name=venue]").forEach(function (b) { b.checked = false; });
      form.submit();
    });
  }
  var block = document.getElementById("patrol-data");
  if (!block || typeof L === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var C = data.colours;  // from geo/legends.py: no colour is written here
  var map = L.map("patrol-map", {zoomSnap: 0.25});
  if (data.tiles) {
    L.tileLayer(data.tiles, {attribution: data.attribution || "", maxZoom: 19}).addTo(map);
  }
  var villages = L.geoJSON(data.villages, {
    style: {color: C.village_line, weight: 1, fillColor: C.village_fill, fillOpacity: 0.6},
    onEachFeature: function (feature, layer) {
      var span = document.createElement("span");
      span.textContent = feature.properties.name;
      layer.bindTooltip(span, {sticky: true});
    }
  });
  var line = [data.start].concat(data.stops.map(function (s) { return [s.lat, s.lon]; }));
  line.push(data.end || data.start);
  var bounds = L.latLngBounds(line);  // the view first: vector layers need one
  if (data.villages.features.length) { bounds.extend(villages.getBounds()); }
  map.fitBounds(bounds, {padding: [10, 10]});
  villages.addTo(map);
  L.polyline(line, {color: C.route, weight: 3, className: "route-line"}).addTo(map);
  function marker(latlng, text, cls, title) {
    var label = document.createElement("span");
    label.textContent = text;
    var icon = L.divIcon({className: "patrol-marker " + cls, iconSize: [24, 24], html: label});
    var m = L.marker(latlng, {icon: icon, keyboard: false}).addTo(map);
    var tip = document.createElement("span");
    tip.textContent = title;
    m.bindTooltip(tip);
    return m;
  }
  var T = JSON.parse(document.getElementById("patrol-texts").textContent);
  marker(data.start, "▲", "start", T.start);
  if (data.end) { marker(data.end, "■", "end", T.end); }
  data.stops.forEach(function (s) { marker([s.lat, s.lon], String(s.n), "stop", s.name); });
}());
