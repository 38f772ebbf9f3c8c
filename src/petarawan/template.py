"""The BNN indicator framework and the commented study template written by ``petarawan init``.

The framework lists BNN's 8 main (*pokok*) and 5 supporting (*pendukung*) indicators of the
pre-2024 classification (``../shared/DOMAIN.md`` §3) plus common socio-economic ones.  The
bundled example and ``init`` both render their ``petarawan.toml`` from it, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FrameworkIndicator:
    code: str
    label_id: str
    label_en: str
    unit: str
    dimension: str
    direction: int = 1
    count: bool = True
    nonnegative: bool = True
    bnn: str | None = None
    present_at: float | None = None
    weight: float = 1.0
    source: str = ""
    rate: bool = False  # count that scales with population: enters the index per 10,000 residents


DIMENSIONS = [
    ("pasokan", "Pasokan narkoba (peredaran)", "Drug supply (trafficking)", 0.4),
    ("permintaan", "Permintaan narkoba (penyalahgunaan)", "Drug demand (abuse)", 0.35),
    ("kerentanan", "Kerentanan sosial", "Social vulnerability", 0.25),
]

FRAMEWORK = [
    # 8 main indicators (indikator pokok)
    FrameworkIndicator("kasus_narkoba", "Kasus tindak pidana narkoba", "Drug-crime cases", "kasus/tahun", "pasokan",
                       bnn="main", present_at=1, weight=2, rate=True, source="Polres / BNNK, catatan kasus"),
    FrameworkIndicator("bandar", "Bandar/pengedar teridentifikasi", "Dealers identified", "orang", "pasokan",
                       bnn="main", present_at=1, weight=1.5, source="BNNK / Satresnarkoba"),
    FrameworkIndicator("produksi", "Kegiatan produksi narkoba", "Drug production activity", "lokasi", "pasokan",
                       bnn="main", present_at=1, source="BNNK / Satresnarkoba"),
    FrameworkIndicator("barang_bukti", "Barang bukti disita", "Seized evidence", "gram", "pasokan", count=False,
                       bnn="main", present_at=1, source="BNNK / Polres"),
    FrameworkIndicator("jalur_masuk", "Jalur/pintu masuk narkoba", "Drug entry points", "lokasi", "pasokan",
                       bnn="main", present_at=1, source="BNNK, pemetaan lapangan"),
    FrameworkIndicator("kurir", "Kurir teridentifikasi", "Couriers identified", "orang", "pasokan",
                       bnn="main", present_at=1, source="BNNK / Satresnarkoba"),
    FrameworkIndicator("pengguna", "Pengguna/penyalahguna narkoba", "Drug users", "orang", "permintaan",
                       bnn="main", present_at=1, weight=2, rate=True, source="BNNK, IPWL, Polres"),
    FrameworkIndicator("kriminalitas", "Angka kriminalitas dan kekerasan", "Crime and violence rate",
                       "kejadian per 10.000 penduduk", "permintaan", count=False, bnn="main", present_at=20,
                       source="Polres, statistik kriminal"),
    # users in rehabilitation (not a BNN classification indicator)
    FrameworkIndicator("rehabilitasi", "Penyalahguna dalam rehabilitasi", "Users in rehabilitation", "orang",
                       "permintaan", rate=True, source="BNNK / IPWL"),
    # 5 supporting indicators (indikator pendukung)
    FrameworkIndicator("tempat_hiburan", "Tempat hiburan malam", "Night entertainment venues", "tempat", "kerentanan",
                       bnn="supporting", present_at=1, source="Dinas Pariwisata / perizinan"),
    FrameworkIndicator("kos_privasi", "Rumah kos/hunian privasi tinggi", "Boarding houses / high-privacy housing",
                       "unit", "kerentanan", bnn="supporting", present_at=10, rate=True, source="Kelurahan / Disperkim"),
    FrameworkIndicator("kemiskinan", "Penduduk miskin", "Population in poverty", "% penduduk", "kerentanan",
                       count=False, bnn="supporting", present_at=10, source="BPS / DTKS Dinsos"),
    FrameworkIndicator("fasilitas_publik", "Fasilitas publik (olahraga, taman, balai)", "Public facilities",
                       "per 10.000 penduduk", "kerentanan", direction=-1, count=False, bnn="supporting",
                       present_at=2, source="Kelurahan / Bappeda"),
    FrameworkIndicator("kegiatan_sosial", "Kegiatan sosial kemasyarakatan", "Community social activities",
                       "kegiatan/bulan", "kerentanan", direction=-1, count=False, bnn="supporting", present_at=2,
                       source="Kelurahan, survei lapangan"),
    # socio-economic
    FrameworkIndicator("kepadatan", "Kepadatan penduduk", "Population density", "jiwa/km²", "kerentanan",
                       count=False, source="BPS / Dukcapil"),
    FrameworkIndicator("pengangguran", "Pengangguran terbuka", "Open unemployment", "% angkatan kerja", "kerentanan",
                       count=False, source="BPS"),
    FrameworkIndicator("putus_sekolah", "Anak putus sekolah", "School drop-outs", "anak", "kerentanan",
                       rate=True, source="Dinas Pendidikan"),
]


UNIT_EN = {
    "kasus/tahun": "cases/year",
    "orang": "people",
    "lokasi": "locations",
    "gram": "grams",
    "kejadian per 10.000 penduduk": "incidents per 10,000 residents",
    "tempat": "venues",
    "unit": "units",
    "% penduduk": "% of residents",
    "per 10.000 penduduk": "per 10,000 residents",
    "kegiatan/bulan": "activities/month",
    "jiwa/km²": "people/km²",
    "% angkatan kerja": "% of the labour force",
    "anak": "children",
    "skor 0–100": "score 0–100",
}
"""English of the template's units (``unit_en``)."""


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_config(*, name: str, areas_file: str, data_file: str, data_date: str = "", illustrative: bool = False,
                  code_column: str = "kode", name_column: str = "nama", group_column: str | None = None,
                  reference_column: str | None = None, population_column: str | None = "penduduk",
                  classification: str = "count_rule", reference_source: str = "", reference_date: str = "") -> str:
    """The commented ``petarawan.toml`` for a study using :data:`FRAMEWORK`.

    Counts that grow with population (``rate=True``) get ``denominator = population_column`` so
    they enter the index per 10,000 residents; ``population_column=None`` keeps raw counts."""
    out = [
        "# petarawan — konfigurasi studi / study configuration",
        "# Semua pilihan metode tercatat di run.json / every method choice is recorded in run.json.",
        "",
        "[study]",
        f"name = {_q(name)}",
        f"data_date = {_q(data_date)}       # tanggal/tahun data, tampil di setiap keluaran",
        f"illustrative = {'true' if illustrative else 'false'}  # true bila nilai bukan data sebenarnya",
        'lang = "id"              # "id" Bahasa Indonesia, "en" English',
        "seed = 20211             # benih untuk langkah acak (permutasi, Monte Carlo)",
        "",
        "[areas]                  # berkas batas wilayah: GeoJSON, GeoPackage atau Shapefile (dengan CRS)",
        f"file = {_q(areas_file)}",
        f"code_column = {_q(code_column)}   # kode wilayah Kemendagri, mis. 19.71.01.1008",
        f"name_column = {_q(name_column)}",
        '# code_scheme = "kemendagri"  # kode Kemendagri, ditampilkan bertitik; bawaan "as_entered": seperti tertulis',
        '# encoding = "cp1252"        # pengodean teks Shapefile (.dbf) bila tidak ada .cpg; bawaan: dideteksi',
    ]
    if group_column:
        out.append(f"group_column = {_q(group_column)}  # mis. kecamatan")
    out += [
        "",
        "[data]                   # tabel indikator: CSV atau XLSX, satu baris per kode wilayah",
        f"file = {_q(data_file)}",
        f"code_column = {_q(code_column)}   # kode dengan atau tanpa titik (1971011008) sama-sama diterima",
        "# year = 2025            # bila tabel punya kolom year/tahun",
        '# decimal = ","           # pemisah desimal tabel (1.234,5); bawaan: ditentukan per kolom dari isinya',
        '# Indikator yang kolomnya kosong di semua baris: "error" (bawaan) menghentikan validasi; "leave_out"',
        '# meninggalkannya pada run ini (satu peringatan mendaftarnya). Matikan satu indikator: enabled = false.',
        'empty_columns = "error"',
    ]
    if reference_column:
        out.append(f"reference_column = {_q(reference_column)}  # label 0/1 yang dipublikasikan, untuk pembanding")
        out.append(f"reference_source = {_q(reference_source)}  # siapa, di mana, kapan (dikutip di peta rujukan.png)")
        if reference_date:
            out.append(f"reference_date = {_q(reference_date)}")
    out += [
        "",
        "[index]",
        'normalisation = "minmax"  # min–maks (OECD/JRC 2008 §5)',
        "range = [0.0, 100.0]",
        'aggregation = "arithmetic"',
        "# Wilayah dengan data untuk kurang dari bagian indikator ini (sebelum imputasi) tidak diberi skor,",
        "# agar wilayah yang hanya melapor sedikit nilai tidak memuncaki peringkat. 0 = setiap wilayah dengan",
        "# data di setiap dimensi diberi skor.",
        "min_availability = 0.5",
        '# Nilai kosong: "none" (bawaan; rata-rata dimensi memakai indikator yang ada), "group_median", "mean", ...',
        'imputation = "none"',
        "",
        "[classification]",
        '# "bands": kelas dari skor; "count_rule": aturan hitungan indikator pokok/pendukung BNN',
        f"method = {_q(classification)}",
        "bands = { Bahaya = 75.0, Waspada = 50.0, Siaga = 25.0 }",
        "# Aturan hitungan BNN: kelas pertama yang syaratnya terpenuhi (jumlah indikator pokok/pendukung yang ada).",
        "# Bahaya 5 pokok + 4 pendukung mengikuti satu aturan BNN yang dipublikasikan; aturan Waspada/Siaga tidak",
        "# dipublikasikan — bawaan ini: satu indikator pokok saja sudah bukan Aman. Sesuaikan dengan kantor Anda.",
        "count_rule = [",
        '  { class = "Bahaya", main = 5, supporting = 4 },',
        '  { class = "Waspada", main = 3, supporting = 1 },',
        '  { class = "Siaga", main = 1, supporting = 0 },',
        "]",
        "",
        "[privacy]",
        "min_count = 5            # jumlah 1–4 ditampilkan sebagai <5 dalam laporan",
        "",
        "[maps]",
        "dpi = 130                # resolusi peta; 300 untuk cetak (atau: petarawan run --dpi 300)",
        "",
    ]
    for code, lid, len_, w in DIMENSIONS:
        out += ["[[dimensions]]", f"code = {_q(code)}", f"label_id = {_q(lid)}", f"label_en = {_q(len_)}",
                f"weight = {w}", ""]
    for i in FRAMEWORK:
        out += ["[[indicators]]", f"code = {_q(i.code)}",
                "enabled = true           # false: indikator dimatikan tanpa menghapus blok ini",
                f"label_id = {_q(i.label_id)}", f"label_en = {_q(i.label_en)}",
                f"unit = {_q(i.unit)}", f"unit_en = {_q(UNIT_EN.get(i.unit, i.unit))}", f"source = {_q(i.source)}",
                f"dimension = {_q(i.dimension)}",
                f"direction = {i.direction}", f"weight = {i.weight}", f"count = {'true' if i.count else 'false'}"]
        if not i.count and i.nonnegative:
            out.append("nonnegative = true")
        if i.rate and population_column:
            out += [f"denominator = {_q(population_column)}  # masuk indeks sebagai laju per 10.000 penduduk", "per = 10000"]
        if i.bnn:
            out += [f"bnn = {_q(i.bnn)}          # indikator {'pokok' if i.bnn == 'main' else 'pendukung'} BNN",
                    f"present_at = {i.present_at:g}       # 'ada' bila nilai {'≥' if i.direction > 0 else '≤'} ini "
                    f"(nilai seperti diisi, bukan laju)"]
        out.append("")
    return "\n".join(out)
