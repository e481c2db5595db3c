/* The risk map: the villages, their names and the points (drawn here into the empty
   groups folium made, so that no text of the data is ever written into generated
   JavaScript), thematic layer switching, fixed legends, month navigation and the village
   panel. Data come from the JSON the block #map-config points to (built by the server,
   shaped for the user's role); every text is set with textContent, never as HTML. No build step. */
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("map-config").textContent);
  if (page.pack) {  // a meeting pack carries its figures in the block: no server
    start(page);
  } else {  // the figures come as JSON (/static/map-data.js)
    window.xkmtMapData(page.data)
      .then(function (data) { start(Object.assign(data, {layer: page.layer})); });
  }

  function start(cfg) {
  var drawn = cfg.drawn;
  var C = drawn.colours;  // lines and hatch, from geo/legends.py: no colour is written here
  var T = cfg.texts.panel;
  var E = cfg.texts.evidence;
  var lang = document.documentElement.lang === "en" ? "en-US" : "vi-VN";
  var fmt = new Intl.NumberFormat(lang, {maximumFractionDigits: 1});
  var persons = new Set(cfg.person_codes || []);
  var layers = {};
  cfg.layers.forEach(function (l) { layers[l.key] = l; });
  var current = cfg.layer;
  var selected = null;
  var panel = document.getElementById("village-panel");
  var body = panel.querySelector(".panel-body");
  var SIGN = {">=": "≥", "<=": "≤", "==": "=", ">": ">", "<": "<"};
  var MARK = {met: "✓", not_met: "✗", no_data: "?", not_applicable: "–"};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function textNode(text) {  // tooltips get a node, never an HTML string
    return el("span", null, text);
  }

  function villageTable(rows) {
    var table = el("table", "xkmt-tooltip");
    rows.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      tr.appendChild(el("td", null, row[1]));
      table.appendChild(tr);
    });
    return table;
  }

  function scoreText(tally) {  // "7 of 14 met, 1 without data"; "—" when none applies
    tally = tally || {};
    var met = tally.met || 0;
    var missing = tally.no_data || 0;
    var scored = met + (tally.not_met || 0) + missing;
    if (!scored) { return "—"; }
    return (missing ? T.score_of_missing : T.score_of).replace("{met}", fmt.format(met))
      .replace("{scored}", fmt.format(scored)).replace("{no_data}", fmt.format(missing));
  }

  function villageTooltip(code, rows) {  // its name and households, then what is mapped
    var table = villageTable(rows);
    var value = layerValue(code, current);
    if (value) {
      var tr = el("tr", "layer-value");
      var cell = el("td");
      cell.colSpan = 2;
      cell.appendChild(el("span", "layer-title", layers[current].title));
      cell.appendChild(el("strong", null, value));
      tr.appendChild(cell);
      table.appendChild(tr);
    }
    return table;
  }

  function drawVillages(villages) {
    var layer = L.geoJSON(villages.features, {
      style: function (feature) {
        return Object.assign({fillColor: feature.properties.fill}, villages.style);
      },
      onEachFeature: function (feature, shape) {
        var props = feature.properties;
        shape.bindTooltip(function () {
          return villageTooltip(props.code, props.tooltip);
        }, {sticky: true});
      }
    });
    window[villages.group].addLayer(layer);
    window[drawn.outline].bringToFront();  // the commune boundary stays on top
    return layer;
  }

  var labelMarkers = [];
  var labelValues = document.getElementById("label-values");

  function labelIcon(p) {  // the village's name, and under it the mapped value if asked
    var box = el("div", "xkmt-label", p.text);
    var value = labelValues && labelValues.checked ? layerValue(p.code, current, true) : null;
    if (value) { box.appendChild(el("span", "xkmt-label-value", value)); }
    var high = value ? 40 : 22;
    return L.divIcon({html: box, className: "xkmt-label-icon", iconSize: [140, high],
                      iconAnchor: [70, high / 2]});
  }

  function drawLabels(labels) {
    var group = window[labels.group];
    labels.points.forEach(function (p) {
      var marker = L.marker([p.lat, p.lon], {icon: labelIcon(p), interactive: false});
      labelMarkers.push({point: p, marker: marker});
      group.addLayer(marker);
    });
  }

  function relabel() {
    labelMarkers.forEach(function (m) { m.marker.setIcon(labelIcon(m.point)); });
  }

  function letterIcon(icon) {
    var span = el("span", icon.className, icon.text);
    span.style.background = icon.colour;
    span.style.color = icon.ink;
    return L.divIcon({html: span, className: "xkmt-venue-icon", iconSize: [22, 22],
                      iconAnchor: [11, 11]});
  }

  function clusterIcon(order) {  // a cluster wears the worst status it holds, not its count
    return function (cluster) {
      var held = {};
      cluster.getAllChildMarkers().forEach(function (m) { held[m.options.status] = true; });
      var worst = order.filter(function (s) { return held[s.key]; })[0] ||
        order[order.length - 1];
      var span = el("span", "xkmt-cluster cluster-" + worst.key, cluster.getChildCount());
      span.style.background = worst.colour;
      span.style.color = worst.ink;
      span.setAttribute("data-status", worst.key);
      return L.divIcon({html: span, className: "marker-cluster xkmt-cluster-icon",
                        iconSize: [30, 30]});
    };
  }

  function drawPoints(layer) {
    var group = window[layer.group];
    var markers = layer.points.map(function (p) {
      var at = [p.lat, p.lon];
      if (p.circle) { group.addLayer(L.circle(at, p.circle)); }
      var marker = p.icon ? L.marker(at, {icon: letterIcon(p.icon), status: p.status}) :
        L.circleMarker(at, p.marker);
      return marker.bindTooltip(textNode(p.tooltip));
    });
    if (layer.cluster) {
      if (layer.worst_first) {
        window[layer.cluster].options.iconCreateFunction = clusterIcon(layer.worst_first);
      }
      window[layer.cluster].addLayers(markers);
    } else {
      markers.forEach(function (marker) { group.addLayer(marker); });
    }
  }

  var geo = drawVillages(drawn.villages);
  var map = window[drawn.map];
  var shapes = {};
  geo.eachLayer(function (layer) { shapes[layer.feature.properties.code] = layer; });
  drawLabels(drawn.labels);
  drawn.points.forEach(drawPoints);

  function categoryOf(code, key) {
    var village = cfg.villages[code];
    var legend = cfg.legends[layers[key].legend];
    var want = village ? village.categories[key] : null;
    return legend.categories.filter(function (c) { return c.key === want; })[0] ||
      {colour: C.no_fill, outline: C.village_line, hatch: false};
  }

  function layerValue(code, key, short) {
    // what the layer maps for the village, as text: the figure the role may see (the
    // legend's class when it may not, or when the layer has no single figure); ``short``
    // for a label: the score, or the indicator's mark and value, without the rest
    var village = cfg.villages[code];
    if (!village || !layers[key]) { return null; }
    var label = categoryOf(code, key).label || "";
    var parts = [];
    if (key === "score") {
      if (village.score !== null && village.score !== undefined) {
        parts.push(fmt.format(Math.round(village.score * 100)) + " %");
      }
      if (!short || !parts.length) { parts.push(scoreText(village.score_evidence)); }
    } else if (key === "risk") {
      parts.push(village.risk_level ? (T["risk_" + village.risk_level] || label) : label);
    } else if (key === "per_thousand") {
      var people = (village.counts || {}).people;
      parts.push(typeof people === "number" && village.population ?
        fmt.format(people * 1000 / village.population) + " ‰" : label);
    } else if (village.indicators[key]) {
      var figures = village.indicators[key];
      var status = figures.status || "not_applicable";
      var known = figures.value !== null && figures.value !== undefined;
      parts.push((MARK[status] || "") + (short && known ? "" : " " + (T[status] || status)));
      if (known) {
        var ind = cfg.indicators[key] || {};
        var target = short || figures.target === null || figures.target === undefined ?
          "" : " (" + T.target + " " + (SIGN[ind.comparison] || "") + "\u00a0" +
          valueText(figures.target, ind.percent) + ")";
        parts.push(valueText(figures.value, ind.percent) + target);
      }
    } else {
      parts.push(label);
    }
    return parts.filter(function (p) { return p && p !== "—"; })
      .join(short ? " " : " · ") || label;
  }

  function markOf(code, key) {  // a line of the legend around the village, or null
    var village = cfg.villages[code];
    var want = village && village.marks ? village.marks[key] : null;
    var marks = cfg.legends[layers[key].legend].marks || [];
    return marks.filter(function (m) { return m.key === want; })[0] || null;
  }

  function styleFor(feature) {
    var cat = categoryOf(feature.properties.code, current);
    var mark = markOf(feature.properties.code, current);
    var chosen = selected === feature.properties.code;
    var style = {fillColor: cat.hatch ? "url(#xkmt-hatch)" : cat.colour, fillOpacity: 0.8,
                 color: chosen ? C.chosen_line : C.village_line, weight: chosen ? 4 : 1.5,
                 dashArray: null};
    if (mark) {
      style.dashArray = mark.dash;
      style.color = mark.colour;
      style.weight = chosen ? 4 : mark.weight;
    }
    return style;
  }

  function addHatch() {  // an SVG pattern for "no data": the legend's hatch (C.hatch)
    var svg = document.querySelector(".leaflet-overlay-pane svg");
    if (!svg || svg.querySelector("#xkmt-hatch")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var size = String(C.hatch.period);
    var defs = document.createElementNS(ns, "defs");
    var pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", "xkmt-hatch");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", size);
    pattern.setAttribute("height", size);
    pattern.setAttribute("patternTransform", "rotate(45)");
    var back = document.createElementNS(ns, "rect");
    back.setAttribute("width", size);
    back.setAttribute("height", size);
    back.setAttribute("fill", C.hatch.back);
    var line = document.createElementNS(ns, "rect");
    line.setAttribute("width", String(C.hatch.stripe));
    line.setAttribute("height", size);
    line.setAttribute("fill", C.hatch.line);
    pattern.appendChild(back);
    pattern.appendChild(line);
    defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  function restyle() {
    addHatch();
    geo.options.style = styleFor;
    geo.setStyle(styleFor);
  }

  function setParam(href, name, value) {
    var url = new URL(href, window.location.href);
    url.searchParams.set(name, value);
    return url.pathname + url.search;
  }

  function chooseLayer(key) {
    if (!layers[key]) { return; }
    current = key;
    restyle();
    document.getElementById("legend-layer-title").textContent = layers[key].title;
    document.querySelectorAll(".legend-block").forEach(function (block) {
      block.hidden = block.getAttribute("data-legend") !== layers[key].legend;
    });
    document.querySelectorAll("a.month-step").forEach(function (a) {
      a.setAttribute("href", setParam(a.getAttribute("href"), "layer", key));
    });
    document.querySelectorAll(".month-picker input[name=layer], .pack-form input[name=layer]")
      .forEach(function (input) { input.value = key; });
    window.history.replaceState(null, "", setParam(window.location.href, "layer", key));
    relabel();
  }

  function dateText(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return m ? m[3] + "/" + m[2] + "/" + m[1] : value;
  }

  function valueText(value, percent) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value !== "number") { return String(value); }
    return fmt.format(value) + (percent ? " %" : "");
  }

  function statusBadge(status) {
    var key = status || "not_applicable";
    return el("span", "status status-" + key, (MARK[key] || "") + " " + (T[key] || key));
  }

  function personLink(code) {
    var a = el("a", "person-code", code);
    a.href = "/communes/" + encodeURIComponent(cfg.commune) + "/persons/" +
      encodeURIComponent(code);
    a.title = T.person_link;
    return a;
  }

  function evidenceValue(value) {
    var span = el("span");
    if (Array.isArray(value)) {
      span.appendChild(document.createTextNode(fmt.format(value.length) +
                                               (value.length ? ": " : "")));
      value.forEach(function (item, i) {
        if (i) { span.appendChild(document.createTextNode(", ")); }
        var code = String(item);
        span.appendChild(cfg.person_links && persons.has(code) ? personLink(code) :
                         document.createTextNode(code));
      });
    } else if (value && typeof value === "object") {
      span.textContent = Object.keys(value).map(function (k) {
        var week = /W(\d+)$/.exec(k);
        var label = week ? T.week.replace("{n}", week[1]) : (E[k] || k);
        var v = value[k];
        return label + ": " + (typeof v === "object" ? JSON.stringify(v) : valueText(v));
      }).join("; ");
    } else if (typeof value === "boolean") {
      span.textContent = value ? T.yes : T.no;
    } else if (typeof value === "string") {
      span.textContent = dateText(value);
    } else {
      span.textContent = valueText(value);
    }
    return span;
  }

  function evidenceTable(evidence) {
    var table = el("table", "evidence");
    Object.keys(evidence || {}).forEach(function (key) {
      var row = el("tr");
      row.appendChild(el("th", null, E[key] || key));
      var cell = el("td");
      cell.appendChild(evidenceValue(evidence[key]));
      row.appendChild(cell);
      table.appendChild(row);
    });
    return table;
  }

  function recordsLink(type, code) {
    var a = el("a", "records-link", T.records);
    a.href = "/communes/" + encodeURIComponent(cfg.commune) + "/records/" + type +
      "?village=" + encodeURIComponent(code) + "&month=" + encodeURIComponent(cfg.month);
    return a;
  }

  function indicatorBlock(id, ind, village) {
    var figures = village.indicators[id] || {};
    var before = (village.previous || {})[id];
    var block = el("section", "indicator status-row-" + (figures.status || "none"));
    block.setAttribute("data-indicator", id);
    var head = el("h3");
    head.appendChild(el("span", "ind-id", id));
    head.appendChild(document.createTextNode(" " + ind.label));
    block.appendChild(head);
    var table = el("table", "figures");
    var row = el("tr");
    [[T.value, valueText(figures.value, ind.percent)],
     [T.target, figures.target === null || figures.target === undefined ? "—" :
       (SIGN[ind.comparison] || "") + " " + valueText(figures.target, ind.percent)]
    ].forEach(function (pair) {
      var cell = el("td");
      cell.appendChild(el("span", "fig-label", pair[0]));
      cell.appendChild(el("span", "fig-value", pair[1]));
      row.appendChild(cell);
    });
    [[T.status, figures.status], [T.previous, before]].forEach(function (pair) {
      var cell = el("td");
      cell.appendChild(el("span", "fig-label", pair[0]));
      cell.appendChild(statusBadge(pair[1]));
      row.appendChild(cell);
    });
    table.appendChild(row);
    block.appendChild(table);
    if (figures.status === "no_data") { block.appendChild(el("p", "hint", T.no_data_hint)); }
    if (figures.status === "not_met") { block.appendChild(el("p", "hint", T.not_met_hint)); }
    if (figures.evidence && Object.keys(figures.evidence).length) {
      var details = el("details");
      details.appendChild(el("summary", null, T.details));
      details.appendChild(evidenceTable(figures.evidence));
      block.appendChild(details);
    }
    if (cfg.person_links) { block.appendChild(recordsLink(ind.records, village.code)); }
    return block;
  }

  function factsList(village) {
    var list = el("dl", "village-facts");
    var risk = village.risk_level ? (T["risk_" + village.risk_level] || village.risk_level) :
      "—";
    [[T.population, village.population === null ? T.unknown : valueText(village.population)],
     [T.households, valueText(village.households)],
     [T.people, valueText((village.counts || {}).people)],
     [T.score, scoreText(village.score_evidence)],
     [T.risk, risk]].forEach(function (pair) {
      var item = el("div");
      item.appendChild(el("dt", null, pair[0]));
      item.appendChild(el("dd", null, pair[1]));
      list.appendChild(item);
    });
    if (village.population === null && cfg.edit_villages) {  // where to fill it in
      var fix = el("a", "enter-figure", T.enter_figure);
      fix.href = "/communes/" + encodeURIComponent(cfg.commune) + "/villages#village-" +
        encodeURIComponent(village.code);
      list.firstChild.querySelector("dd").appendChild(document.createTextNode(" · "));
      list.firstChild.querySelector("dd").appendChild(fix);
    }
    return list;
  }

  var picker = document.getElementById("village-select");
  var layout = panel.parentNode;
  var home = null;  // the map's view before the panel opened, given back when it closes
  if (map) { map.on("dragstart", function () { home = null; }); }  // the user moved it

  function openPanel(code) {
    var village = cfg.villages[code];
    if (!village) { return; }
    selected = code;
    picker.value = code;
    restyle();
    body.textContent = "";
    body.appendChild(el("h2", "village-name", village.name));
    body.appendChild(el("p", "panel-month", document.getElementById("month-select")
      .selectedOptions[0].textContent));
    body.appendChild(factsList(village));
    Object.keys(cfg.indicators).forEach(function (id) {
      if (village.indicators[id]) {
        body.appendChild(indicatorBlock(id, cfg.indicators[id], village));
      }
    });
    if (panel.hidden && map) { home = {center: map.getCenter(), zoom: map.getZoom()}; }
    panel.hidden = false;
    panel.scrollTop = 0;
    layout.classList.add("panel-open");
    keepInView(code);
  }

  function closePanel() {
    panel.hidden = true;
    layout.classList.remove("panel-open");
    if (map) {  // the map takes its room back, and its view from before the panel
      map.invalidateSize({pan: false});
      if (home) { map.setView(home.center, home.zoom, {animate: false}); }
    }
    home = null;
    selected = null;
    picker.value = "";
    restyle();
  }

  function foldLayerBox() {
    // on a phone the open layer box hides a quarter of the map: fold it to its button;
    // a tap on the map folds it again
    var box = document.querySelector(".leaflet-control-layers");
    if (!box || !map || !window.matchMedia("(max-width: 760px)").matches) { return; }
    var expanded = "leaflet-control-layers-expanded";
    box.classList.remove(expanded);  // its button opens it again (Leaflet's own)
    map.on("click", function () { box.classList.remove(expanded); });
  }

  function visibleArea() {
    // the part of the map the panel does not cover, in the map's pixels: on a phone the
    // panel lies over the map's lower part, on a wide screen it sits beside it
    var box = map.getContainer().getBoundingClientRect();
    var area = {left: 0, top: 0, right: box.width, bottom: box.height};
    var over = panel.getBoundingClientRect();
    if (panel.hidden || over.left >= box.right || over.right <= box.left ||
        over.top >= box.bottom || over.bottom <= box.top) { return area; }
    if (over.top > box.top) {
      area.bottom = over.top - box.top;
    } else if (over.left > box.left) {
      area.right = over.left - box.left;
    }
    return area;
  }

  function keepInView(code) {  // pan (and zoom out if need be) so the village shows
    var shape = shapes[code];
    if (!shape || !map) { return; }
    map.invalidateSize({pan: false});  // the panel took room from the map
    var area = visibleArea();
    var bounds = shape.getBounds();
    var nw = map.latLngToContainerPoint(bounds.getNorthWest());
    var se = map.latLngToContainerPoint(bounds.getSouthEast());
    var m = 12;
    if (nw.x >= area.left + m && nw.y >= area.top + m && se.x <= area.right - m &&
        se.y <= area.bottom - m) { return; }
    var size = map.getSize();
    map.fitBounds(bounds, {paddingTopLeft: [area.left + m, area.top + m],
                           paddingBottomRight: [size.x - area.right + m,
                                                size.y - area.bottom + m],
                           maxZoom: map.getZoom()});
  }

  geo.eachLayer(function (layer) {
    layer.on("click", function () { openPanel(layer.feature.properties.code); });
    layer.on("mouseover", function () { layer.setStyle({weight: 3, color: C.chosen_line}); });
    layer.on("mouseout", function () { layer.setStyle(styleFor(layer.feature)); });
  });
  panel.querySelector(".panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) { closePanel(); }
  });
  document.querySelectorAll(".layer-list input[name=layer]").forEach(function (input) {
    input.addEventListener("change", function () { chooseLayer(input.value); });
  });
  if (labelValues) { labelValues.addEventListener("change", relabel); }
  foldLayerBox();
  picker.addEventListener("change", function () {
    if (picker.value) { openPanel(picker.value); } else { closePanel(); }
  });
  document.getElementById("month-select").addEventListener("change", function () {
    this.form.submit();
  });
  restyle();
  document.documentElement.dataset.mapReady = "true";  // drawn, listening (for tests)
  }  // start
}());
