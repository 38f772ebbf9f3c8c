/* petarawan server page: plain JavaScript, no libraries, no network beyond this server.
   Every text from the data (area names, labels, findings) is set with textContent, never as HTML. */
"use strict";
(function () {
  const CLASSES = ["Bahaya", "Waspada", "Siaga", "Aman"];
  const COLOURS = { Bahaya: "#d7191c", Waspada: "#fd8d3c", Siaga: "#fee44c", Aman: "#1a9641", none: "#bdbdbd" };
  const T = {
    id: {
      login: "Masuk", logout: "Keluar", username: "Nama pengguna", password: "Kata sandi", studies: "Studi",
      rollup: "Rekap provinsi/nasional", admin: "Pengguna & audit", newStudy: "Studi baru", name: "Nama",
      region: "Kode kab/kota (mis. 19.71)", create: "Buat", year: "Tahun", newRound: "Putaran tahun baru",
      noRun: "Belum ada hasil yang diterbitkan untuk tahun ini.", map: "Peta kelas", ranking: "Peringkat",
      search: "Cari kelurahan/desa", code: "Kode", cls: "Kelas", score: "Skor", rank: "Peringkat",
      upload: "Unggah data", kind: "Jenis", kinds: { config: "Konfigurasi + semua berkas", boundary: "Batas wilayah", table: "Tabel indikator", survey: "Ekspor survei" },
      files: "Berkas", send: "Unggah & periksa", preview: "Pratinjau validasi", accept: "Terima", discard: "Buang",
      noFindings: "Tidak ada temuan: data siap diterima.", failed: "Ada kesalahan: perbaiki berkas lalu unggah ulang. Tidak ada yang berubah.",
      level: "Tingkat", where: "Lokasi", message: "Temuan", value: "Nilai", expected: "Diharapkan",
      accepted: "Diterima sebagai versi", discarded: "Dibuang; tidak ada yang berubah.",
      runs: "Proses analisis", run: "Jalankan analisis", status: { queued: "antre", running: "berjalan", succeeded: "berhasil", failed: "gagal" },
      downloads: "Unduhan", compare: "Bandingkan tahun (keterpulihan)", profile: "Profil wilayah", why: "Mengapa kelas ini",
      indicator: "Indikator", role: "Peran", main: "pokok", supporting: "pendukung", presentAt: "Ada bila", present: "Ada",
      contribution: "Sumbangan ke skor", dimensions: "Dimensi", weight: "Bobot", uncertainty: "Ketidakpastian",
      rankBand: "Rentang peringkat (5–95%)", probability: "Peluang kelas", potential: "Potensi masyarakat",
      activityName: "Kegiatan", programme: "Program", date: "Tanggal", addActivity: "Catat kegiatan terlaksana", remove: "Hapus",
      monitoring: "Pemantauan: kegiatan terlaksana", nActivities: "kegiatan", noActivities: "Belum ada kegiatan yang dicatat.",
      plan: "Rencana kegiatan", done: "Kegiatan terlaksana", participants: "Peserta", inPlan: "Masuk rencana", priority: "Prioritas", history: "Riwayat", print: "Cetak",
      back: "Kembali", entry: "Entri data", save: "Simpan", saved: "Tersimpan sebagai versi", notSaved: "Tidak tersimpan:",
      users: "Pengguna", audit: "Log audit", when: "Waktu", who: "Siapa", action: "Tindakan", target: "Sasaran",
      roles: { admin: "admin", analyst: "analis", entry: "entri data", viewer: "pembaca" }, scopes: "Wilayah (kode, pisahkan koma)",
      add: "Tambah", change: "Ubah", better: "membaik", worse: "memburuk", same: "tetap", new: "baru", gone: "hilang",
      from: "Dari", to: "Ke", total: "Jumlah", notScored: "Tanpa skor", regionCol: "Kab/kota", studiesCol: "Studi",
      level1: "per provinsi", level2: "per kabupaten/kota", illustrative: "DATA ILUSTRATIF", dataDate: "Tanggal data",
      hiddenNote: "Nilai jumlah kecil ditampilkan sebagai <{k}; nilai ternormalisasi dan sumbangan indikator jumlah/laju tidak ditampilkan untuk pembaca.",
      contribNote: "Sumbangan indikator dijumlahkan menjadi skor (rata-rata aritmetika berbobot).",
      notArithmetic: "Agregasi bukan rata-rata aritmetika: sumbangan per indikator tidak dijumlahkan menjadi skor.",
      wrongLogin: "Nama pengguna atau kata sandi salah.", tooMany: "Terlalu banyak percobaan gagal; tunggu 15 menit.",
      progress: "Kemajuan", yes: "ya", no: "tidak", none: "–", areas: "wilayah", error: "Kesalahan", warning: "Peringatan", info: "Info",
    },
    en: {
      login: "Log in", logout: "Log out", username: "User name", password: "Password", studies: "Studies",
      rollup: "Provincial/national roll-up", admin: "People & audit", newStudy: "New study", name: "Name",
      region: "Regency/city code (e.g. 19.71)", create: "Create", year: "Year", newRound: "New yearly round",
      noRun: "No published result for this year yet.", map: "Class map", ranking: "Ranking",
      search: "Search village", code: "Code", cls: "Class", score: "Score", rank: "Rank",
      upload: "Upload data", kind: "Kind", kinds: { config: "Configuration + all files", boundary: "Boundaries", table: "Indicator table", survey: "Survey export" },
      files: "Files", send: "Upload & check", preview: "Validation preview", accept: "Accept", discard: "Discard",
      noFindings: "No findings: ready to accept.", failed: "There are errors: fix the file and upload again. Nothing changed.",
      level: "Level", where: "Where", message: "Finding", value: "Value", expected: "Expected",
      accepted: "Accepted as version", discarded: "Discarded; nothing changed.",
      runs: "Analysis runs", run: "Run the analysis", status: { queued: "queued", running: "running", succeeded: "succeeded", failed: "failed" },
      downloads: "Downloads", compare: "Compare years (recovery)", profile: "Area profile", why: "Why this class",
      indicator: "Indicator", role: "Role", main: "main", supporting: "supporting", presentAt: "Present when", present: "Present",
      contribution: "Contribution to the score", dimensions: "Dimensions", weight: "Weight", uncertainty: "Uncertainty",
      rankBand: "Rank band (5–95%)", probability: "Class probability", potential: "Community potential",
      activityName: "Activity", programme: "Programme", date: "Date", addActivity: "Record a completed activity", remove: "Remove",
      monitoring: "Monitoring: completed activities", nActivities: "activities", noActivities: "No activity recorded yet.",
      plan: "Planned activities", done: "Completed activities", participants: "Participants", inPlan: "In the plan", priority: "Priority", history: "History", print: "Print",
      back: "Back", entry: "Data entry", save: "Save", saved: "Saved as version", notSaved: "Not saved:",
      users: "People", audit: "Audit log", when: "When", who: "Who", action: "Action", target: "Target",
      roles: { admin: "admin", analyst: "analyst", entry: "data entry", viewer: "viewer" }, scopes: "Areas (codes, comma-separated)",
      add: "Add", change: "Change", better: "better", worse: "worse", same: "same", new: "new", gone: "gone",
      from: "From", to: "To", total: "Total", notScored: "No score", regionCol: "Regency/city", studiesCol: "Studies",
      level1: "by province", level2: "by regency/city", illustrative: "ILLUSTRATIVE DATA", dataDate: "Data date",
      hiddenNote: "Small counts are shown as <{k}; normalised values and contributions of counts and rates are not shown to viewers.",
      contribNote: "Indicator contributions add up to the score (weighted arithmetic mean).",
      notArithmetic: "The aggregation is not an arithmetic mean: per-indicator contributions do not add up to the score.",
      wrongLogin: "Wrong user name or password.", tooMany: "Too many failed attempts; wait 15 minutes.",
      progress: "Progress", yes: "yes", no: "no", none: "–", areas: "areas", error: "Error", warning: "Warning", info: "Info",
    },
  };
  let lang = localStorage.getItem("petarawan.lang") || "id";
  let me = null;
  const main = document.getElementById("main");
  const t = (k) => T[lang][k] ?? k;

  // ---------------------------------------------------------------- DOM helper (text only)
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "style") el.style.cssText = v;  // CSSOM: allowed under the CSP, unlike a style attribute
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }
  const svgNS = "http://www.w3.org/2000/svg";
  function s(tag, attrs) { const el = document.createElementNS(svgNS, tag); for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v); return el; }
  function render(...nodes) { main.replaceChildren(...nodes); main.focus({ preventScroll: true }); }
  function fmt(x, d = 1) { return x === null || x === undefined ? t("none") : Number(x).toLocaleString(lang === "en" ? "en" : "id", { maximumFractionDigits: d }); }
  // a published value: exact, or a band [low, high] where the exact number would give a hidden small count back
  function fmtPub(x, band, d = 1) { return (x === null || x === undefined) && band ? `${fmt(band[0], d)}–${fmt(band[1], d)}` : fmt(x, d); }
  function badge(c) { return h("span", { class: "badge c-" + (c || "none") }, c || t("notScored")); }
  // a finding's message/expected: {key, params, id, en} (older records: text plus a "_en" twin)
  function pick(f, key) {
    const v = f[key];
    if (v && typeof v === "object") return v[lang] || v.id;
    return lang === "en" && f[key + "_en"] ? f[key + "_en"] : v;
  }

  // ---------------------------------------------------------------- API
  async function api(method, path, body, isForm) {
    const opts = { method, headers: {}, credentials: "same-origin" };
    if (method !== "GET" && me) opts.headers["X-CSRF-Token"] = me.csrf;
    if (body !== undefined) {
      if (isForm) opts.body = body;
      else { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    }
    const r = await fetch(path, opts);
    if (r.status === 401 && path !== "/api/login") { me = null; location.hash = "#/login"; throw new Error("401"); }
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, ok: r.ok, data };
  }
  const get = (p) => api("GET", p);
  const full = () => me && (me.role === "admin" || me.role === "analyst");

  // ---------------------------------------------------------------- navigation
  function drawNav() {
    const nav = document.getElementById("nav");
    nav.replaceChildren();
    document.getElementById("lang").textContent = lang === "id" ? "EN" : "ID";
    document.documentElement.lang = lang;
    if (!me) return;
    nav.append(h("a", { href: "#/" }, t("studies")), h("a", { href: "#/rollup" }, t("rollup")));
    if (me.role === "admin") nav.append(h("a", { href: "#/admin" }, t("admin")));
    nav.append(h("span", { class: "muted small" }, me.username + " (" + T[lang].roles[me.role] + ")"),
      h("button", { class: "link", type: "button", onclick: logout }, t("logout")));
  }
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "id" ? "en" : "id"; localStorage.setItem("petarawan.lang", lang); drawNav(); route();
  });
  async function logout() { await api("POST", "/api/logout"); me = null; location.hash = "#/login"; drawNav(); }

  let timer = null;
  async function route() {
    if (timer) { clearTimeout(timer); timer = null; }
    const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    if (parts[0] !== "login" && !me) {
      const r = await fetch("/api/me", { credentials: "same-origin" });
      if (r.ok) { me = await r.json(); drawNav(); } else { location.hash = "#/login"; return; }
    }
    try {
      if (parts[0] === "login") return viewLogin();
      if (parts[0] === "s" && parts[3] === "a") return viewProfile(+parts[1], +parts[2], parts[4]);
      if (parts[0] === "s" && parts[2] === "compare") return viewCompare(+parts[1], +parts[3], +parts[4]);
      if (parts[0] === "s") return viewRound(+parts[1], parts[2] ? +parts[2] : null);
      if (parts[0] === "entry") return viewEntry(+parts[1], +parts[2]);
      if (parts[0] === "rollup") return viewRollup(parts[1] === "1" ? 1 : 2);
      if (parts[0] === "admin") return viewAdmin();
      return viewStudies();
    } catch (e) { if (e.message !== "401") render(h("p", { class: "err" }, String(e))); }
  }
  window.addEventListener("hashchange", route);

  // ---------------------------------------------------------------- login
  function viewLogin() {
    drawNav();
    const msg = h("p", { class: "err", role: "alert" });
    const user = h("input", { name: "username", autocomplete: "username", required: true });
    const pass = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
    const form = h("form", { class: "card", onsubmit: async (ev) => {
      ev.preventDefault();
      const r = await api("POST", "/api/login", { username: user.value, password: pass.value });
      if (r.ok) { me = r.data; drawNav(); location.hash = "#/"; }
      else msg.textContent = r.status === 429 ? t("tooMany") : t("wrongLogin");
    } }, h("label", {}, h("span", {}, t("username")), user), h("label", {}, h("span", {}, t("password")), pass),
      h("button", { type: "submit" }, t("login")), msg);
    render(h("h1", {}, "petarawan"), form);
  }

  // ---------------------------------------------------------------- studies
  async function viewStudies() {
    const r = await get("/api/studies");
    const list = h("ul", {}, r.data.map((st) => h("li", {}, h("a", { href: `#/s/${st.id}` }, st.name),
      " ", h("span", { class: "muted small" }, (st.region || "") + " · " + st.rounds.map((x) => x.year).join(", ")))));
    const out = [h("h1", {}, t("studies")), h("div", { class: "card" }, r.data.length ? list : h("p", { class: "muted" }, "—"))];
    if (full()) {
      const name = h("input", { name: "name", required: true }), region = h("input", { name: "region", placeholder: "19.71" });
      out.push(h("form", { class: "card noprint", onsubmit: async (ev) => {
        ev.preventDefault();
        const c = await api("POST", "/api/studies", { name: name.value, region: region.value || null });
        if (c.ok) location.hash = `#/s/${c.data.id}`;
      } }, h("h2", {}, t("newStudy")), h("div", { class: "row" }, h("label", {}, h("span", {}, t("name")), name),
        h("label", {}, h("span", {}, t("region")), region), h("button", { type: "submit" }, t("create")))));
    }
    render(...out);
  }

  // ---------------------------------------------------------------- map
  function project(features) {
    let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    const each = (g, fn) => { if (!g) return; const polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : []; polys.forEach((p) => p.forEach((ring) => ring.forEach(fn))); };
    features.forEach((f) => each(f.geometry, ([x, y]) => { minx = Math.min(minx, x); maxx = Math.max(maxx, x); miny = Math.min(miny, y); maxy = Math.max(maxy, y); }));
    const k = Math.abs(miny) <= 90 && Math.abs(maxy) <= 90 ? Math.cos(((miny + maxy) / 2) * Math.PI / 180) : 1;
    const w = (maxx - minx) * k || 1, hgt = (maxy - miny) || 1, W = 1000, H = Math.max(200, Math.round(W * hgt / w));
    const sc = Math.min(W / w, H / hgt);
    const path = (g) => { let d = ""; const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      polys.forEach((p) => p.forEach((ring) => { ring.forEach(([x, y], i) => { d += (i ? "L" : "M") + ((x - minx) * k * sc).toFixed(1) + " " + ((maxy - y) * sc).toFixed(1); }); d += "Z"; })); return d; };
    return { W, H, path };
  }
  function drawMap(geo, onArea, label) {
    const feats = geo.features.filter((f) => f.geometry);
    const { W, H, path } = project(feats);
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "map", role: "img", "aria-label": label || t("map") });
    svg.style.aspectRatio = `${W} / ${H}`;
    for (const f of feats) {
      const p = f.properties;
      const el = s("path", { d: path(f.geometry), fill: COLOURS[p.class] || COLOURS.none, tabindex: "0", "data-code": p.code });
      const title = s("title"); title.textContent = `${p.name || p.code} — ${p.class || t("notScored")}`;
      el.append(title);
      if (onArea) { el.addEventListener("click", () => onArea(p.code)); el.addEventListener("keydown", (e) => { if (e.key === "Enter") onArea(p.code); }); }
      svg.append(el);
    }
    return svg;
  }
  function legend(counts) {
    return h("div", { class: "legend" }, [...CLASSES, "none"].filter((c) => c !== "none" || (counts && counts.none))
      .map((c) => h("span", {}, h("i", { class: "c-" + c }), (c === "none" ? t("notScored") : c) + (counts ? ` (${counts[c] || 0})` : ""))));
  }

  // ---------------------------------------------------------------- findings table
  function findingsTable(findings) {
    return h("div", { class: "table-wrap" }, h("table", { class: "findings" },
      h("thead", {}, h("tr", {}, [t("level"), t("where"), t("message"), t("value"), t("expected")].map((x) => h("th", {}, x)))),
      h("tbody", {}, findings.map((f) => h("tr", { class: "finding-" + f.level },
        h("td", {}, t(f.level)), h("td", {}, [f.file, f.row != null ? (lang === "en" ? "row " : "baris ") + f.row : null, f.column ? (lang === "en" ? "column " : "kolom ") + f.column : null].filter(Boolean).join(", ")),
        h("td", {}, pick(f, "message")), h("td", {}, f.value === null || f.value === undefined ? "" : String(f.value)), h("td", {}, pick(f, "expected") || ""))))));
  }

  // ---------------------------------------------------------------- a study's round
  async function viewRound(sid, year) {
    const st = (await get(`/api/studies/${sid}`)).data;
    if (!st) return render(h("p", { class: "err" }, "404"));
    if (!year && st.rounds.length) { location.replace(`#/s/${sid}/${st.rounds[st.rounds.length - 1].year}`); return; }
    const rnd = st.rounds.find((x) => x.year === year);
    const out = [h("h1", {}, st.name, year ? " · " + year : "")];
    const years = h("div", { class: "row noprint" }, st.rounds.map((x) => h("a", { href: `#/s/${sid}/${x.year}`, class: x.year === year ? "badge c-none" : "" }, String(x.year))));
    out.push(years);
    if (full()) {
      const y = h("input", { type: "number", min: 2000, max: 2100, value: new Date().getFullYear(), name: "year" });
      out.push(h("form", { class: "row noprint", onsubmit: async (ev) => { ev.preventDefault();
        const r = await api("POST", `/api/studies/${sid}/rounds`, { year: +y.value }); if (r.ok) location.hash = `#/s/${sid}/${y.value}`; } },
        h("label", {}, h("span", {}, t("newRound")), y), h("button", { type: "submit", class: "secondary" }, t("create"))));
    }
    if (!rnd) return render(...out);
    const withRuns = st.rounds.filter((x) => x.published_run);
    if (withRuns.length > 1) {
      const prev = withRuns.filter((x) => x.year < year).pop();
      if (prev && rnd.published_run) out.push(h("p", { class: "noprint" }, h("a", { href: `#/s/${sid}/compare/${prev.year}/${year}` }, t("compare") + `: ${prev.year} → ${year}`)));
    }
    const res = h("div", {});
    out.push(res);
    if (me.role !== "viewer") out.push(h("p", { class: "noprint" }, h("a", { href: `#/entry/${sid}/${year}` }, t("entry"))));
    if (full()) out.push(uploadPanel(sid, year, rnd), runsPanel(sid, year, rnd));
    render(...out);
    if (!rnd.published_run) { res.append(h("p", { class: "notice" }, t("noRun"))); return; }
    const [sum, geo] = await Promise.all([get(`/api/studies/${sid}/rounds/${year}/summary`), get(`/api/studies/${sid}/rounds/${year}/map`)]);
    const S = sum.data;
    const open = (code) => { location.hash = `#/s/${sid}/${year}/a/${encodeURIComponent(code)}`; };
    const rows = geo.data.features.map((f) => f.properties).sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
    const q = h("input", { type: "search", placeholder: t("search"), "aria-label": t("search") });
    const tbody = h("tbody");
    const fill = () => { const v = q.value.toLowerCase(); tbody.replaceChildren(...rows.filter((p) => !v || String(p.name).toLowerCase().includes(v) || String(p.code).includes(v))
      .map((p) => h("tr", {}, h("td", { class: "num" }, p.rank ?? ""), h("td", {}, h("a", { href: `#/s/${sid}/${year}/a/${encodeURIComponent(p.code)}` }, p.name || p.code), h("div", { class: "muted small" }, p.code)),
        h("td", {}, badge(p.class)), h("td", { class: "num" }, fmtPub(p.score, p.score_band))))); };
    q.addEventListener("input", fill); fill();
    res.append(
      S.illustrative ? h("p", { class: "notice" }, t("illustrative")) : "",
      h("p", { class: "muted small" }, `${t("dataDate")}: ${S.data_date || "–"} · ${S.n_scored}/${S.n_areas} ${t("areas")} · run ${S.run}`),
      h("div", { class: "grid two" },
        h("section", { class: "card" }, h("h2", {}, t("map")), legend(S.class_counts), drawMap(geo.data, open)),
        h("section", { class: "card" }, h("h2", {}, t("ranking")), h("div", { class: "noprint" }, q),
          h("div", { class: "table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, h("th", { class: "num" }, t("rank")), h("th", {}, t("name")), h("th", {}, t("cls")), h("th", { class: "num" }, t("score")))), tbody)))),
      h("section", { class: "card noprint" }, h("h2", {}, t("downloads")), h("ul", {}, S.files.map((n) => h("li", {}, h("a", { href: `/api/studies/${sid}/runs/${S.run}/files/${encodeURIComponent(n)}`, download: n }, n))))),
      h("button", { type: "button", class: "secondary noprint", onclick: () => window.print() }, t("print")));
    const mon = await monitoringCard(sid, year, Object.fromEntries(rows.map((p) => [p.code, p.name])));
    if (mon) res.insertBefore(mon, res.lastChild);
  }

  function uploadPanel(sid, year, rnd) {
    const kind = h("select", { name: "kind" }, ["table", "boundary", "survey", "config"].map((k) => h("option", { value: k }, T[lang].kinds[k])));
    if (!rnd.version) kind.value = "config";
    const file = h("input", { type: "file", name: "file", multiple: true });
    const out = h("div", { id: "preview" });
    const form = h("form", { class: "card noprint", onsubmit: async (ev) => {
      ev.preventDefault();
      const fd = new FormData(); fd.append("kind", kind.value); for (const f of file.files) fd.append("file", f);
      out.replaceChildren(h("p", { class: "muted" }, "…"));
      const r = await api("POST", `/api/studies/${sid}/rounds/${year}/uploads?lang=${lang}`, fd, true);
      if (!r.ok) { out.replaceChildren(h("p", { class: "err" }, (r.data && r.data.detail) || String(r.status))); return; }
      showPreview(out, sid, year, r.data);
    } }, h("h2", {}, t("upload")), h("div", { class: "row" }, h("label", {}, h("span", {}, t("kind")), kind), h("label", {}, h("span", {}, t("files")), file),
      h("button", { type: "submit" }, t("send"))), out);
    return form;
  }
  function showPreview(out, sid, year, u) {
    const errs = u.n_errors;
    const head = h("h3", {}, `${t("preview")} #${u.id}: ${u.files.join(", ")}`);
    const msg = errs ? h("p", { class: "err", role: "alert" }, t("failed") + ` (${errs} ${t("error").toLowerCase()})`)
      : u.findings.length ? h("p", { class: "warn" }, `${u.n_warnings} ${t("warning").toLowerCase()}`) : h("p", { class: "ok" }, t("noFindings"));
    const actions = h("div", { class: "row" });
    if (u.status === "pending") {
      actions.append(h("button", { type: "button", id: "accept", onclick: async () => {
        const r = await api("POST", `/api/studies/${sid}/rounds/${year}/uploads/${u.id}/accept`);
        actions.replaceChildren(h("p", { class: r.ok ? "ok" : "err" }, r.ok ? `${t("accepted")} ${r.data.version}` : r.data.detail));
        if (r.ok) setTimeout(route, 600);
      } }, t("accept")), h("button", { type: "button", class: "danger", onclick: async () => {
        const r = await api("POST", `/api/studies/${sid}/rounds/${year}/uploads/${u.id}/discard`);
        actions.replaceChildren(h("p", {}, r.ok ? t("discarded") : r.data.detail));
      } }, t("discard")));
    }
    out.replaceChildren(head, msg, u.findings.length ? findingsTable(u.findings) : "", actions);
  }

  function runsPanel(sid, year, rnd) {
    const list = h("div", {});
    const btn = h("button", { type: "button", id: "run", disabled: !rnd.version, onclick: async () => {
      btn.disabled = true; const r = await api("POST", `/api/studies/${sid}/rounds/${year}/runs`);
      if (r.ok) poll(r.data.id); else { btn.disabled = false; list.prepend(h("p", { class: "err" }, r.data.detail)); }
    } }, t("run"));
    const show = (runs) => list.replaceChildren(h("div", { class: "table-wrap" }, h("table", {}, h("tbody", {}, runs.map((x) => h("tr", {},
      h("td", {}, "#" + x.id), h("td", {}, h("span", { class: "status-" + x.status }, T[lang].status[x.status])),
      h("td", {}, x.status === "running" || x.status === "queued" ? h("ol", { class: "progress small" }, x.progress.map((p) => h("li", {}, p))) : x.status === "failed" ? (x.findings || []).slice(0, 3).map((f) => h("div", { class: "err small" }, pick(f, "message"))) : legend(x.class_counts)),
      h("td", { class: "muted small" }, x.username, " · ", x.created)))))));
    const poll = async (id) => {
      const r = await get(`/api/studies/${sid}/runs/${id}`);
      const others = (rnd.runs || []).filter((x) => x.id !== id);
      show([r.data, ...others]);
      if (r.data.status === "queued" || r.data.status === "running") timer = setTimeout(() => poll(id), 700);
      else setTimeout(route, 300);
    };
    show(rnd.runs || []);
    const live = (rnd.runs || []).find((x) => x.status === "queued" || x.status === "running");
    if (live) setTimeout(() => poll(live.id), 0);
    return h("section", { class: "card noprint", id: "runs" }, h("h2", {}, t("runs")), btn, list);
  }

  // ---------------------------------------------------------------- area profile
  async function viewProfile(sid, year, code) {
    const r = await get(`/api/studies/${sid}/rounds/${year}/areas/${encodeURIComponent(code)}?lang=${lang}`);
    if (!r.ok) return render(h("p", { class: "err" }, (r.data && r.data.detail) || "404"));
    const P = r.data, A = P.area;
    const maxC = Math.max(1e-9, ...P.indicators.map((i) => i.contribution || 0));
    const out = [h("p", { class: "noprint" }, h("a", { href: `#/s/${sid}/${year}` }, "← " + t("back"))),
      h("h1", {}, A.name || A.code, " ", badge(A.class)),
      h("p", { class: "muted" }, `${A.code}${A.group ? " · " + A.group : ""} · ${year} · ${t("score")} ${fmtPub(A.score, A.score_band)} · ${t("rank")} ${A.rank ?? "–"}`),
      h("section", { class: "card" }, h("h2", {}, t("why")),
        h("div", { class: "table-wrap" }, h("table", { class: "stack" }, h("thead", {}, h("tr", {}, [t("indicator"), t("role"), t("value"), t("presentAt"), t("present"), t("contribution")].map((x, i) => h("th", { class: i >= 2 ? "num" : "" }, x)))),
          h("tbody", {}, P.indicators.map((i) => h("tr", {}, h("td", {}, i.label || i.code, h("div", { class: "muted small" }, [i.code, i.unit].filter(Boolean).join(" · "))),
            h("td", { "data-label": t("role") }, i.bnn ? t(i.bnn) : ""), h("td", { class: "num", "data-label": t("value") }, i.value ?? t("none")),
            h("td", { class: "num", "data-label": t("presentAt") }, i.present_at === null || i.present_at === undefined ? "" : (i.direction < 0 ? "≤ " : "≥ ") + fmt(i.present_at, 3)),
            h("td", { class: "num", "data-label": t("present") }, i.present === null || i.present === undefined ? "" : i.present ? "✔ " + t("yes") : t("no")),
            h("td", { class: "num", "data-label": t("contribution") }, i.contribution === null || i.contribution === undefined ? t("none") : h("div", { class: "contrib" }, fmt(i.contribution, 2), h("div", { class: "bar", style: `width:${Math.round(100 * i.contribution / maxC)}%` })))))))),
        h("p", { class: "muted small" }, P.aggregation === "arithmetic" ? t("contribNote") : t("notArithmetic")),
        h("p", { class: "muted small" }, t("hiddenNote").replace("{k}", P.min_count)),
        A.n_main !== undefined ? h("p", { class: "small" }, `${t("main")}: ${A.n_main ?? "–"} · ${t("supporting")}: ${A.n_supporting ?? "–"}`) : ""),
      h("section", { class: "card" }, h("h2", {}, t("dimensions")), h("div", { class: "table-wrap" }, h("table", {}, h("tbody", {}, P.dimensions.map((d) => h("tr", {}, h("td", {}, d.label || d.code), h("td", { class: "num" }, fmtPub(d.score, d.band)), h("td", { class: "num muted" }, t("weight") + " " + fmt(d.weight, 3)))))))),
    ];
    if (P.uncertainty) out.push(h("section", { class: "card" }, h("h2", {}, t("uncertainty")),
      h("p", {}, `${t("rankBand")}: ${fmt(P.uncertainty.rank_p05, 0)}–${fmt(P.uncertainty.rank_p95, 0)} (median ${fmt(P.uncertainty.rank_median, 0)})`),
      h("div", { class: "legend" }, CLASSES.map((c) => h("span", {}, h("i", { class: "c-" + c }), `${t("probability")} ${c}: ${fmt(100 * (P.uncertainty.probabilities[c] || 0), 0)}%`)))));
    if (P.potential !== null && P.potential !== undefined) out.push(h("section", { class: "card" }, h("h2", {}, t("potential")), h("p", {}, fmt(P.potential))));
    if (P.plan) out.push(h("section", { class: "card" }, h("h2", {}, t("plan")), h("ul", {}, Object.entries(P.plan).map(([k, v]) => h("li", {}, `${k === "chosen" ? t("inPlan") : k === "priority" ? t("priority") : k}: ${k === "chosen" ? (v ? t("yes") : t("no")) : v ?? t("none")}`)))));
    if ((P.activities && P.activities.length) || full()) out.push(h("section", { class: "card", id: "activities" }, h("h2", {}, t("done")),
      P.activities.length ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, [t("date"), t("activityName"), t("participants")].map((x, i) => h("th", { class: i === 2 ? "num" : "" }, x)))),
        h("tbody", {}, P.activities.map((x) => h("tr", {}, h("td", {}, x.date), h("td", {}, [x.activity, x.programme].filter(Boolean).join(" · ")), h("td", { class: "num" }, x.participants)))))) : h("p", { class: "muted" }, t("noActivities")),
      full() ? activityForm(sid, year, code) : ""));
    out.push(h("section", { class: "card" }, h("h2", {}, t("history")), h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, h("th", {}, t("year")), h("th", {}, t("cls")), h("th", { class: "num" }, t("score")), h("th", { class: "num" }, t("rank")))),
      h("tbody", {}, P.history.map((x) => h("tr", {}, h("td", {}, x.year), h("td", {}, badge(x.class)), h("td", { class: "num" }, fmtPub(x.score, x.score_band)), h("td", { class: "num" }, x.rank ?? "–"))))))),
      h("button", { type: "button", class: "secondary noprint", id: "print", onclick: () => window.print() }, t("print")));
    render(...out);
  }

  // ---------------------------------------------------------------- comparison
  async function viewCompare(sid, a, b) {
    const r = (await get(`/api/studies/${sid}/compare?old=${a}&new=${b}`)).data;
    const cls = [...CLASSES, "none"];
    render(h("p", { class: "noprint" }, h("a", { href: `#/s/${sid}/${b}` }, "← " + t("back"))), h("h1", {}, `${t("compare")}: ${a} → ${b}`),
      h("p", {}, ["better", "worse", "same", "new", "gone"].filter((k) => r.summary[k]).map((k) => `${t(k)}: ${r.summary[k]}`).join(" · ")),
      h("div", { class: "card table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, `${a} ↓ / ${b} →`), cls.map((c) => h("th", { class: "num" }, c === "none" ? t("notScored") : c)))),
        h("tbody", {}, cls.map((c) => h("tr", {}, h("th", {}, c === "none" ? t("notScored") : c), cls.map((d) => h("td", { class: "num" }, (r.counts[c] || {})[d] || "")))))) ),
      h("div", { class: "card table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, [t("name"), String(a), String(b), ""].map((x) => h("th", {}, x)))),
        h("tbody", {}, r.areas.filter((x) => x.change !== "same").map((x) => h("tr", {}, h("td", {}, h("a", { href: `#/s/${sid}/${b}/a/${encodeURIComponent(x.code)}` }, x.name || x.code)), h("td", {}, badge(x.old)), h("td", {}, badge(x.new)), h("td", { class: x.change === "worse" ? "err" : x.change === "better" ? "ok" : "" }, t(x.change))))))));
  }

  // ---------------------------------------------------------------- completed activities
  function problemText(d) {
    return Array.isArray(d) ? d.map((p) => p.field ? `${p.field}: ${p.value ?? ""} → ${p.expected ?? p.msg ?? ""}` : (p.loc || []).slice(-1).concat([p.msg]).join(": ")).join("; ") : String(d ?? "");
  }
  function activityForm(sid, year, code) {
    const when = h("input", { type: "date", name: "date", required: true, value: new Date().toISOString().slice(0, 10) });
    const what = h("input", { type: "text", name: "activity", required: true, maxlength: 200 });
    const prog = h("input", { type: "text", name: "programme", maxlength: 100 });
    const n = h("input", { type: "number", name: "participants", min: 0, max: 1000000, step: 1, required: true, value: 0 });
    const msg = h("p", { class: "small", role: "status" });
    return h("form", { class: "stack noprint", id: "activity-form", onsubmit: async (ev) => { ev.preventDefault();
      const r = await api("POST", `/api/studies/${sid}/rounds/${year}/activities`, { area: code, date: when.value, activity: what.value, programme: prog.value || null, participants: +n.value });
      if (r.ok) route(); else { msg.className = "small err"; msg.textContent = problemText(r.data && r.data.detail); } } },
      h("h3", {}, t("addActivity")),
      h("div", { class: "row" }, h("label", {}, h("span", {}, t("date")), when), h("label", {}, h("span", {}, t("participants")), n)),
      h("label", {}, h("span", {}, t("activityName")), what), h("label", {}, h("span", {}, t("programme")), prog),
      h("button", { type: "submit" }, t("save")), msg);
  }
  async function monitoringCard(sid, year, names) {
    const r = await get(`/api/studies/${sid}/rounds/${year}/activities`);
    if (!r.ok) return "";
    const M = r.data;
    return h("section", { class: "card", id: "monitoring" }, h("h2", {}, t("monitoring")),
      h("p", { class: "muted small" }, `${M.n} ${t("nActivities")} · ${M.areas} ${t("areas")} · ${t("participants")}: ${M.participants}`),
      M.n ? h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, [t("date"), t("name"), t("activityName"), t("participants"), ""].map((x, i) => h("th", { class: i === 3 ? "num" : "" }, x)))),
        h("tbody", {}, M.activities.map((x) => h("tr", {}, h("td", {}, x.date),
          h("td", {}, h("a", { href: `#/s/${sid}/${year}/a/${encodeURIComponent(x.area)}` }, names[x.area] || x.area)),
          h("td", {}, [x.activity, x.programme].filter(Boolean).join(" · ")), h("td", { class: "num" }, x.participants),
          h("td", { class: "noprint" }, full() ? h("button", { type: "button", class: "secondary small", onclick: async () => {
            const d = await api("DELETE", `/api/studies/${sid}/rounds/${year}/activities/${x.id}`); if (d.ok) route(); } }, t("remove")) : "")))))) : h("p", { class: "muted" }, t("noActivities")));
  }

  // ---------------------------------------------------------------- roll-up
  async function viewRollup(level) {
    const [r, geo] = await Promise.all([get(`/api/rollup?level=${level}&lang=${lang}`), get("/api/rollup/map")]);
    const R = r.data, cols = [...CLASSES, "none", "total"];
    const out = [h("h1", {}, t("rollup")), h("p", { class: "noprint" }, h("a", { href: "#/rollup/2" }, t("level2")), " · ", h("a", { href: "#/rollup/1" }, t("level1"))),
      h("div", { class: "card table-wrap" }, h("table", { id: "rollup", class: "stack" }, h("thead", {}, h("tr", {}, h("th", {}, t("regionCol")), h("th", {}, t("studiesCol")), cols.map((c) => h("th", { class: "num" }, c === "none" ? t("notScored") : c === "total" ? t("total") : c)))),
        h("tbody", {}, R.rows.map((x) => h("tr", {}, h("td", {}, x.region), h("td", { "data-label": t("studiesCol") }, x.studies.join(", ")),
          cols.map((c) => h("td", { class: "num", "data-label": c === "none" ? t("notScored") : c === "total" ? t("total") : c }, x[c]))))),
        h("tfoot", {}, h("tr", {}, h("th", {}, t("total")), h("th", {}, ""), cols.map((c) => h("th", { class: "num" }, R.total[c])))))),
      h("section", { class: "card" }, h("h2", {}, t("map")), legend(R.total), geo.data.features.length ? drawMap(geo.data, null) : h("p", { class: "muted" }, "—"))];
    // extra sections registered on the server (e.g. IKRN reporting completeness)
    for (const sec of R.sections || []) out.push(h("section", { class: "card" }, h("h2", {}, lang === "en" ? sec.title_en : sec.title_id),
      h("div", { class: "table-wrap" }, h("table", { class: "stack" }, h("thead", {}, h("tr", {}, sec.columns.map((c, i) => h("th", { class: i ? "num wrap" : "wrap" }, c)))),
        h("tbody", {}, sec.rows.map((row) => h("tr", {}, row.map((v, i) => h("td", { class: i ? "num" : "", "data-label": sec.columns[i] }, v)))))))));
    render(...out);
  }

  // ---------------------------------------------------------------- data entry
  async function viewEntry(sid, year) {
    const r = await get(`/api/studies/${sid}/rounds/${year}/entry`);
    if (!r.ok) return render(h("p", { class: "err" }, (r.data && r.data.detail) || String(r.status)));
    const E = r.data;
    const sel = h("select", { "aria-label": t("name") }, E.areas.map((a) => h("option", { value: a.code }, `${a.name} (${a.code})`)));
    const box = h("div", {});
    const draw = () => {
      const a = E.areas.find((x) => x.code === sel.value); if (!a) return;
      const inputs = {};
      const msg = h("div", { role: "status" });
      box.replaceChildren(h("form", { class: "card", onsubmit: async (ev) => {
        ev.preventDefault();
        const values = {}; for (const [k, el] of Object.entries(inputs)) values[k] = el.value;
        const res = await api("PUT", `/api/studies/${sid}/rounds/${year}/entry/${encodeURIComponent(a.code)}?lang=${lang}`, { values });
        if (res.ok) { msg.replaceChildren(h("p", { class: "ok" }, `${t("saved")} ${res.data.version}`)); a.values = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v])); }
        else msg.replaceChildren(h("p", { class: "err" }, t("notSaved")), res.data && res.data.findings ? findingsTable(res.data.findings.filter((f) => f.level === "error")) : (res.data && res.data.detail) || "");
      } }, E.indicators.map((i) => { inputs[i.code] = h("input", { name: i.code, inputmode: "decimal", value: a.values[i.code] ?? "" });
        return h("label", {}, h("span", {}, `${lang === "en" ? i.label_en : i.label_id} (${i.code}${i.unit ? ", " + i.unit : ""})`), inputs[i.code]); }),
        h("button", { type: "submit" }, t("save")), msg));
    };
    sel.addEventListener("change", draw);
    render(h("p", { class: "noprint" }, h("a", { href: `#/s/${sid}/${year}` }, "← " + t("back"))), h("h1", {}, `${t("entry")} · ${year}`), sel, box);
    draw();
  }

  // ---------------------------------------------------------------- people and audit
  async function viewAdmin() {
    const [u, a] = await Promise.all([get("/api/users"), get("/api/audit?limit=200")]);
    const name = h("input", { name: "new-username", required: true }), pw = h("input", { name: "new-password", type: "password", required: true, minlength: 10, autocomplete: "new-password" });
    const role = h("select", { name: "role" }, Object.keys(T[lang].roles).map((r) => h("option", { value: r }, T[lang].roles[r])));
    const scopes = h("input", { name: "scopes", placeholder: "19.71.01, 19.71.02.1003" });
    const msg = h("p", { role: "status" });
    const split = (v) => v.split(",").map((x) => x.trim()).filter(Boolean);
    render(h("h1", {}, t("users")),
      h("div", { class: "card table-wrap" }, h("table", {}, h("tbody", {}, u.data.map((x) => {
        const rs = h("select", {}, Object.keys(T[lang].roles).map((r) => h("option", { value: r, selected: r === x.role }, T[lang].roles[r])));
        const sc = h("input", { value: (x.scopes || []).join(", ") });
        return h("tr", {}, h("td", {}, x.username), h("td", {}, rs), h("td", {}, sc), h("td", {}, h("button", { type: "button", class: "secondary", onclick: async () => {
          const r = await api("PATCH", `/api/users/${x.id}`, { role: rs.value, scopes: split(sc.value) }); msg.textContent = r.ok ? "✔" : r.data.detail; } }, t("change"))));
      })))),
      h("form", { class: "card", onsubmit: async (ev) => { ev.preventDefault();
        const r = await api("POST", "/api/users", { username: name.value, password: pw.value, role: role.value, scopes: split(scopes.value) });
        if (r.ok) route(); else msg.textContent = typeof r.data.detail === "string" ? r.data.detail : JSON.stringify(r.data.detail); } },
        h("div", { class: "row" }, h("label", {}, h("span", {}, t("username")), name), h("label", {}, h("span", {}, t("password")), pw), h("label", {}, h("span", {}, t("role")), role),
          h("label", {}, h("span", {}, t("scopes")), scopes), h("button", { type: "submit" }, t("add"))), msg),
      h("h2", {}, t("audit")), h("div", { class: "card table-wrap" }, h("table", {}, h("thead", {}, h("tr", {}, [t("when"), t("who"), t("action"), t("target"), ""].map((x) => h("th", {}, x)))),
        h("tbody", {}, a.data.map((x) => h("tr", {}, h("td", { class: "small" }, x.at), h("td", {}, x.username || ""), h("td", {}, x.action), h("td", { class: "small" }, x.target || ""), h("td", { class: "small muted" }, JSON.stringify(x.detail))))))));
  }

  document.getElementById("foot").textContent = "Bahasa Indonesia · English";
  drawNav();
  route();
})();
