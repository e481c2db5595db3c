/* The map page's figures, fetched as JSON from the address in #map-config (cached by the
   server, revalidated with their ETag). Not in a meeting pack: the pack carries its
   figures in #map-config itself and connects to nothing (app/prints/pack.py). */
(function () {
  "use strict";
  window.xkmtMapData = function (address) {
    return fetch(address, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (answer) {
        if (!answer.ok) { throw new Error("map data: HTTP " + answer.status); }
        return answer.json();
      });
  };
})();
