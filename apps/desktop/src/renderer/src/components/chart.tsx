export interface Series {
  key: string;
  label: string;
  tone: string;
}

/**
 * A small line chart in plain SVG: no chart library, no inline styles (the CSP forbids
 * them), colours from the stylesheet by series tone.
 */
export function LineChart(props: {
  points: Record<string, number | string>[];
  xKey: string;
  series: Series[];
  formatY?: (value: number) => string;
  formatX?: (value: string) => string;
  height?: number;
  /** The smallest top of the scale, so tiny values do not fill the chart. */
  minMax?: number;
  testId?: string;
}) {
  const width = 1000;
  const height = props.height ?? 200;
  const pad = { left: 56, right: 12, top: 12, bottom: 24 };
  const values = props.points.flatMap((point) =>
    props.series.map((series) => Number(point[series.key] ?? 0)),
  );
  const max = Math.max(props.minMax ?? 1, ...values);
  const count = props.points.length;
  const x = (index: number) =>
    pad.left + (count <= 1 ? 0 : (index / (count - 1)) * (width - pad.left - pad.right));
  const y = (value: number) =>
    height - pad.bottom - (value / max) * (height - pad.top - pad.bottom);
  const format = props.formatY ?? String;

  if (count === 0) return <div className="state state-empty">No data yet</div>;
  return (
    <figure className="chart" data-testid={props.testId}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label="chart">
        {[0, 0.5, 1].map((fraction) => (
          <g key={fraction}>
            <line
              className="chart-grid"
              x1={pad.left}
              x2={width - pad.right}
              y1={y(max * fraction)}
              y2={y(max * fraction)}
            />
            <text
              className="chart-axis"
              x={pad.left - 6}
              y={y(max * fraction) + 4}
              textAnchor="end"
            >
              {format(Math.round(max * fraction))}
            </text>
          </g>
        ))}
        {props.series.map((series) => (
          <polyline
            key={series.key}
            className={`chart-line tone-${series.tone}`}
            points={props.points
              .map((point, index) => `${x(index)},${y(Number(point[series.key] ?? 0))}`)
              .join(" ")}
          />
        ))}
        {props.series.flatMap((series) =>
          props.points.map((point, index) => (
            <circle
              key={`${series.key}-${String(point[props.xKey])}`}
              className={`chart-dot tone-${series.tone}`}
              cx={x(index)}
              cy={y(Number(point[series.key] ?? 0))}
              r={3}
            />
          )),
        )}
        {[0, count - 1].map((index) => (
          <text
            key={index}
            className="chart-axis"
            x={x(index)}
            y={height - 6}
            textAnchor={index === 0 ? "start" : "end"}
          >
            {(props.formatX ?? String)(String(props.points[index]?.[props.xKey] ?? ""))}
          </text>
        ))}
      </svg>
      <figcaption className="chart-legend">
        {props.series.map((series) => (
          <span key={series.key} className={`legend tone-${series.tone}`}>
            {series.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
