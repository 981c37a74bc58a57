// Lag per partition over time, as an SVG line chart drawn from the samples the group
// page takes while it is open (the server keeps no lag history).

import { h, svg } from "../dom.js";

/** Samples kept per series: ten minutes at one every two seconds. */
const MAX_SAMPLES = 300;
const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 48, right: 8, top: 8, bottom: 24 };
const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"];
const MAX_SERIES = 32;

interface Sample {
  atMs: number;
  lag: number;
}

export class LagChart {
  readonly element: HTMLElement;
  private readonly series = new Map<string, Sample[]>();
  private readonly canvas: SVGSVGElement;
  private readonly legend: HTMLElement;

  constructor(title: string) {
    this.canvas = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": title });
    this.legend = h("ul", { class: "legend" });
    this.element = h("figure", { class: "lag-chart" }, this.canvas, h("figcaption", null, title), this.legend);
  }

  /** Adds one sample per partition ("topic/partition" → lag) and redraws. */
  add(atMs: number, lags: Map<string, number>): void {
    for (const [name, lag] of lags) {
      let samples = this.series.get(name);
      if (!samples) {
        if (this.series.size >= MAX_SERIES) continue;
        samples = [];
        this.series.set(name, samples);
      }
      samples.push({ atMs, lag });
      if (samples.length > MAX_SAMPLES) samples.shift();
    }
    this.draw();
  }

  private draw(): void {
    const all = [...this.series.values()].flat();
    if (all.length === 0) return;
    const t0 = Math.min(...all.map((s) => s.atMs));
    const t1 = Math.max(t0 + 1_000, ...all.map((s) => s.atMs));
    const top = Math.max(1, ...all.map((s) => s.lag));
    const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (WIDTH - PAD.left - PAD.right);
    const y = (lag: number) => HEIGHT - PAD.bottom - (lag / top) * (HEIGHT - PAD.top - PAD.bottom);
    const axis = [
      svg("line", { x1: PAD.left, y1: y(0), x2: WIDTH - PAD.right, y2: y(0), class: "axis" }),
      svg("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y(0), class: "axis" }),
      svg("text", { x: PAD.left - 4, y: y(top) + 4, "text-anchor": "end" }, String(top)),
      svg("text", { x: PAD.left - 4, y: y(0) + 4, "text-anchor": "end" }, "0"),
      svg("text", { x: WIDTH - PAD.right, y: HEIGHT - 6, "text-anchor": "end" }, "now"),
      svg("text", { x: PAD.left, y: HEIGHT - 6 }, `${Math.round((t1 - t0) / 1000)} s ago`),
    ];
    const names = [...this.series.keys()];
    const lines = names.map((name, i) =>
      svg("polyline", {
        points: this.series
          .get(name)!
          .map((s) => `${x(s.atMs).toFixed(1)},${y(s.lag).toFixed(1)}`)
          .join(" "),
        stroke: COLORS[i % COLORS.length],
        class: "series",
      }),
    );
    this.canvas.replaceChildren(...axis, ...lines);
    this.legend.replaceChildren(
      ...names.map((name, i) => {
        const samples = this.series.get(name)!;
        return h("li", null, swatch(COLORS[i % COLORS.length]!), `${name}: ${samples[samples.length - 1]?.lag ?? 0}`);
      }),
    );
  }
}

/** Colored through the CSSOM: the console's CSP refuses inline style attributes. */
function swatch(color: string): HTMLElement {
  const element = h("span", { class: "swatch" });
  element.style.background = color;
  return element;
}
