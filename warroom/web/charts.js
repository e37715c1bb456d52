// Tiny SVG charts: a sparkline and a bar chart (one or two series). No library.

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** A line over ``values`` (nulls as 0) in a ``width`` × ``height`` box. */
export function sparkline(values, { width = 120, height = 28, cls = "spark" } = {}) {
  const box = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: cls });
  const ys = values.map((v) => Number(v) || 0);
  const max = Math.max(...ys, 1e-9);
  const step = ys.length > 1 ? width / (ys.length - 1) : width;
  const points = ys.map((y, i) => `${(i * step).toFixed(1)},${(height - 1 - (y / max) * (height - 2)).toFixed(1)}`);
  box.append(svg("polyline", { points: points.join(" "), fill: "none" }));
  return box;
}

/** Bars of ``series`` ([{name, values, cls}]) over ``labels``; the axis shows the max. */
export function bars(labels, series, { width = 640, height = 180 } = {}) {
  const pad = { left: 48, bottom: 22, top: 8 };
  const box = svg("svg", { width: "100%", height, viewBox: `0 0 ${width} ${height}`, class: "bars", role: "img" });
  const all = series.flatMap((s) => s.values.map((v) => Number(v) || 0));
  const max = Math.max(...all, 1e-9);
  const plotH = height - pad.bottom - pad.top;
  const slot = (width - pad.left) / Math.max(labels.length, 1);
  const barW = Math.min(48, Math.max(1, (slot * 0.8) / series.length));
  series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      const hgt = ((Number(v) || 0) / max) * plotH;
      const x = pad.left + i * slot + (slot - barW * series.length) / 2 + k * barW;
      const rect = svg("rect", { x, y: pad.top + plotH - hgt, width: barW, height: hgt, class: s.cls || `s${k}` });
      const tip = svg("title");
      tip.textContent = `${labels[i]} · ${s.name}: ${v}`;
      rect.append(tip);
      box.append(rect);
    });
  });
  const axis = svg("text", { x: 4, y: pad.top + 10, class: "axis" });
  axis.textContent = Number(max.toPrecision(3)).toLocaleString();
  box.append(axis, svg("line", { x1: pad.left, x2: width, y1: pad.top + plotH, y2: pad.top + plotH, class: "base" }));
  const every = Math.ceil(labels.length / 8);
  labels.forEach((name, i) => {
    if (i % every) return;
    const text = svg("text", { x: pad.left + i * slot + slot / 2, y: height - 6, class: "axis", "text-anchor": "middle" });
    text.textContent = String(name).slice(0, 16);
    box.append(text);
  });
  return box;
}
