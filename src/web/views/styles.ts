/** The connector's only stylesheet: served from /assets so the CSP needs no inline styles. */
export const STYLESHEET = `
:root { --ink: #1d2733; --muted: #5b6675; --line: #d8dee6; --brand: #1856ed; --ok: #0f7a3d; --bad: #b42318;
  --bg: #f5f7fa; --card: #fff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); line-height: 1.45; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 9; }
.top { background: #0b1b3f; color: #fff; padding: .75rem 1.25rem; display: flex; gap: .6rem; align-items: center; font-weight: 600; }
.brand { background: var(--brand); border-radius: 6px; padding: .1rem .4rem; font-size: .85rem; }
.sign-out { margin: 0 0 0 auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.flow { white-space: nowrap; }
.sign-out button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); padding: .3rem .7rem; font-weight: 500; white-space: nowrap; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: .75rem 0 .25rem; } h2 { font-size: 1.2rem; margin: 0 0 .75rem; } h3 { font-size: 1rem; }
.sub { color: var(--muted); margin: 0 0 1rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin: 1rem 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(20rem, 100%), 1fr)); }
.grid > section.card { margin: 0; }
.notice { padding: .75rem 1rem; border-radius: 8px; border: 1px solid; margin: 1rem 0; }
.notice.success { background: #ecfdf3; border-color: #a6e9c1; color: #05603a; }
.notice.error { background: #fef3f2; border-color: #fecdca; color: var(--bad); }
.notice.info { background: #eff4ff; border-color: #c7d7fe; color: #1d3d9e; }
.status { display: inline-flex; align-items: center; gap: .4rem; font-weight: 600; }
.dot { width: .7rem; height: .7rem; border-radius: 50%; background: var(--muted); display: inline-block; }
.dot.on { background: var(--ok); }
button, .button { font: inherit; border-radius: 8px; border: 1px solid var(--brand); background: var(--brand); color: #fff;
  padding: .5rem .9rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button.small { padding: .25rem .6rem; font-size: .85rem; }
button:disabled { opacity: .55; cursor: not-allowed; }
:focus-visible { outline: 3px solid #f79009; outline-offset: 2px; }
form.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
td { overflow-wrap: anywhere; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
caption.caption { text-align: left; padding: 0 0 .25rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
label { font-weight: 600; }
fieldset { min-width: 0; border: 1px solid var(--line); border-radius: 8px; margin: 0 0 1rem; padding: .75rem 1rem; }
legend { font-weight: 600; padding: 0 .3rem; }
.field { display: grid; grid-template-columns: minmax(9rem, 14rem) 1fr; gap: .5rem; align-items: center; margin: .4rem 0; }
select, input[type=search], input[type=text] { font: inherit; padding: .4rem .5rem; border: 1px solid #98a2b3; border-radius: 6px; max-width: 100%; }
.radio { font-weight: normal; margin-right: 1rem; white-space: nowrap; }
progress { width: 100%; height: 1rem; }
.progress-list { display: flex; flex-wrap: wrap; gap: .4rem 1.25rem; padding: 0; list-style: none; margin: .5rem 0 0; }
.run-chart { margin: 0 0 1.25rem; }
.chart-title { font-weight: 600; margin-bottom: .6rem; }
.chart-body { display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: .5rem; }
.y-axis { display: flex; flex-direction: column; justify-content: space-between; height: 10rem; font-size: .8rem;
  line-height: 1; color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
.y-axis span:first-child { transform: translateY(-50%); } .y-axis span:last-child { transform: translateY(50%); }
.chart { display: block; width: 100%; height: 10rem; overflow: visible; }
.chart .grid { stroke: #e4e7ec; vector-effect: non-scaling-stroke; }
.chart .axis { stroke: #98a2b3; vector-effect: non-scaling-stroke; }
.chart .bar-cc { fill: #1856ed; } .chart .bar-hub { fill: #7a5af8; }
.chart .failed-band { fill: #fee4e2; } .chart .failed-mark { fill: #d92d20; }
.x-axis { grid-column: 2; display: flex; margin-top: .35rem; font-size: .8rem; color: var(--muted); }
.x-axis span { flex: 1 1 0; min-width: 0; display: flex; justify-content: center; white-space: nowrap; }
.x-axis span:first-child { justify-content: flex-start; } .x-axis span:last-child { justify-content: flex-end; }
.chart-axis-title { text-align: center; font-size: .8rem; margin: .2rem 0 .4rem; }
.chart-empty { border: 1px dashed #98a2b3; border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1.25rem; }
.chart-empty p { margin: .2rem 0; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem; color: var(--muted); }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: -1px; margin-right: .3rem; }
.swatch.hub { background: #7a5af8; } .swatch.cc { background: #1856ed; }
.swatch.failed { background: #fee4e2; border-bottom: 3px solid #d92d20; }
.search { display: flex; gap: .5rem; flex-wrap: wrap; margin-bottom: .75rem; }
.filter label { align-self: center; font-weight: 600; }
.filter select { flex: 0 1 26rem; min-width: 0; }
.pager { display: flex; gap: 1rem; align-items: center; margin-top: .5rem; }
.tag { white-space: nowrap; display: inline-block; border-radius: 999px; background: #eef2f6; padding: 0 .5rem; font-size: .8rem; margin: 0 .2rem .2rem 0; }
.tag.failed { background: #fef3f2; color: var(--bad); } .tag.excluded { background: #fffaeb; color: #b54708; }
ul.records { list-style: none; margin: 0; padding: 0; min-width: 0; } ul.records li + li { margin-top: .2rem; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem 1rem; margin: 0; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dl.facts dt { color: var(--muted); }
dl.facts + .actions, dl.facts + form { margin-top: 1rem; }
@media (max-width: 40rem) {
  main { padding: .5rem .75rem 2rem; }
  .x-axis .minor { visibility: hidden; }
  .field { grid-template-columns: 1fr; }
  .field select { width: 100%; }
  .radio { white-space: normal; display: block; margin: .25rem 0; }
  th, td { padding: .4rem .3rem; }
  table.responsive thead { display: none; }
  table.responsive tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.responsive td { display: flex; gap: .5rem; border: 0; padding: .15rem 0; min-width: 0; }
  table.responsive, table.responsive tbody { display: block; width: 100%; }
  .search input { flex: 1 1 8rem; min-width: 0; }
  table.responsive td::before { content: attr(data-label); color: var(--muted); min-width: 7.5rem; font-weight: 600; }
  td.num { text-align: left; }
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.facts dd { margin-bottom: .5rem; }
  table.responsive th[scope="row"] { display: block; padding: .15rem 0; }
}
`;
