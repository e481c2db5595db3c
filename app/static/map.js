/* The risk map: the villages, their names and the points (drawn here into the empty
   groups folium made, so that no text of the data is ever written into generated
   JavaScript), thematic layer switching, fixed legends, month navigation and the village
   panel. Data come from the JSON block #map-config (built by the server, shaped for the
   user's role); every text is set with textContent, never as HTML. No build step. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
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

  function villageTooltip(rows) {
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

  function tooltipRows(code, rows) {  // on the score layer, the village's score too
    var village = cfg.villages[code];
    if (current !== "score" || !village) { return rows; }
    return rows.concat([[T.score, scoreText(village.score_evidence)]]);
  }

  function drawVillages(villages) {
    var layer = L.geoJSON(villages.features, {
      style: function (feature) {
        return Object.assign({fillColor: feature.properties.fill}, villages.style);
      },
      onEachFeature: function (feature, shape) {
        var props = feature.properties;
        shape.bindTooltip(function () {
          return villageTooltip(tooltipRows(props.code, props.tooltip));
        }, {sticky: true});
      }
    });
    window[villages.group].addLayer(layer);
    window[drawn.outline].bringToFront();  // the commune boundary stays on top
    return layer;
  }

  function drawLabels(labels) {
    var group = window[labels.group];
    labels.points.forEach(function (p) {
      var icon = L.divIcon({html: el("div", "xkmt-label", p.text),
                            className: "xkmt-label-icon", iconSize: [140, 22],
                            iconAnchor: [70, 11]});
      group.addLayer(L.marker([p.lat, p.lon], {icon: icon, interactive: false}));
    });
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
  drawLabels(drawn.labels);
  drawn.points.forEach(drawPoints);

  function categoryOf(code, key) {
    var village = cfg.villages[code];
    var legend = cfg.legends[layers[key].legend];
    var want = village ? village.categories[key] : null;
    return legend.categories.filter(function (c) { return c.key === want; })[0] ||
      {colour: C.no_fill, outline: C.village_line, hatch: false};
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
    document.querySelectorAll(".month-picker input[name=layer]").forEach(function (input) {
      input.value = key;
    });
    window.history.replaceState(null, "", setParam(window.location.href, "layer", key));
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
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function closePanel() {
    panel.hidden = true;
    selected = null;
    picker.value = "";
    restyle();
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
  picker.addEventListener("change", function () {
    if (picker.value) { openPanel(picker.value); } else { closePanel(); }
  });
  document.getElementById("month-select").addEventListener("change", function () {
    this.form.submit();
  });
  restyle();
}());
