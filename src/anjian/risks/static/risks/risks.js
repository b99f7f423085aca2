// Four-colour risk map (risks app): an enterprise's site plan with its risk points (Leaflet
// CRS.Simple over the uploaded image, no tiles), and the regulators' map of enterprises coloured
// by their highest risk level (province outlines from the bundled GeoJSON, no tiles).
// Data comes from <script type="application/json"> blocks rendered by the server.
"use strict";
(function () {
  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Names come from user input: tooltips get text nodes, never HTML.
  function text(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function showError(message) {
    const box = document.getElementById("place-error");
    if (!box) return;
    box.textContent = message;
    box.classList.remove("d-none");
  }

  function savePosition(url, x, y) {
    const body = new URLSearchParams({ x: x.toFixed(2), y: y.toFixed(2) });
    return fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    }).then((response) =>
      response.json().then((json) => {
        if (!response.ok) throw new Error((json.errors || []).join(" "));
        return json;
      })
    );
  }

  const planEl = document.querySelector("[data-risk-plan]");
  const plan = data("risk-plan-data");
  if (planEl && plan && plan.image) {
    const h = plan.height, w = plan.width;
    const map = L.map(planEl, { crs: L.CRS.Simple, minZoom: -5, maxZoom: 3, zoomSnap: 0.25, attributionControl: false });
    const bounds = [[0, 0], [h, w]];
    L.imageOverlay(plan.image, bounds).addTo(map);
    map.fitBounds(bounds);
    map.setMaxBounds(L.latLngBounds(bounds).pad(0.2));
    const toLatLng = (x, y) => [h * (1 - y / 100), (w * x) / 100];
    const toPercent = (latlng) => ({
      x: Math.min(100, Math.max(0, (latlng.lng / w) * 100)),
      y: Math.min(100, Math.max(0, (1 - latlng.lat / h) * 100)),
    });

    plan.markers.forEach((m) => {
      if (m.x === null || m.y === null) return;
      const marker = L.marker(toLatLng(m.x, m.y), {
        draggable: plan.canPlace,
        title: m.name,
        icon: L.divIcon({
          className: "",
          html: `<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true"><circle cx="11" cy="11" r="9" fill="${m.color}" stroke="#fff" stroke-width="3"/></svg>`,
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        }),
      }).addTo(map);
      marker.getElement().dataset.level = m.level;
      marker.getElement().classList.add("risk-marker");
      marker.bindTooltip(text(m.name), { permanent: true, direction: "right", offset: [10, 0], className: "risk-label" });
      marker.on("click", () => { window.location.href = m.url; });
      marker.on("dragend", () => {
        const p = toPercent(marker.getLatLng());
        savePosition(m.place, p.x, p.y).catch((error) => showError(error.message));
      });
    });

    const select = document.getElementById("place-point");
    if (select && plan.canPlace) {
      select.addEventListener("change", () => planEl.classList.toggle("placing", !!select.value));
      map.on("click", (event) => {
        const option = select.selectedOptions[0];
        if (!option || !option.value) return;
        const p = toPercent(event.latlng);
        savePosition(option.dataset.url, p.x, p.y)
          .then(() => window.location.reload())
          .catch((error) => showError(error.message));
      });
    }
  }

  const regionEl = document.querySelector("[data-risk-region-map]");
  const region = data("risk-region-data");
  if (regionEl && region) {
    const map = L.map(regionEl, { attributionControl: false, minZoom: 3, maxZoom: 12 });
    map.setView([35.5, 104.5], 4);
    fetch(region.geojson)
      .then((response) => response.json())
      .then((geojson) => {
        const outline = L.geoJSON(geojson, {
          style: { color: "#8a99ad", weight: 1, fillColor: "#ffffff", fillOpacity: 0.7 },
        }).addTo(map);
        outline.bringToBack();
        if (!region.enterprises.length) map.fitBounds(outline.getBounds());
      });
    const markers = region.enterprises.map((e) => {
      const marker = L.circleMarker([e.lat, e.lon], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: e.color, fillOpacity: 0.95,
      }).addTo(map);
      marker.bindTooltip(text(`${e.name}：${e.label}（${e.counts.join(" / ")}）`));
      marker.on("click", () => { window.location.href = e.url; });
      return marker;
    });
    if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 8 });
  }
})();
