"""The shipped community-potential XLSForm (``forms/potensi_masyarakat.xlsx``).

:func:`build_form` writes an XLSForm (sheets ``survey``, ``choices``, ``settings``) that a BNN
office can upload unchanged to KoboToolbox or ODK Central.  Labels are in Bahasa Indonesia
(``label::Bahasa Indonesia (id)``, default) and English (``label::English (en)``).  The area
code is a ``select_one`` whose choice list is generated from the study's boundary file, so a
field worker cannot type a wrong code.  The XLSForm specification is https://xlsform.org.

Privacy by design: the form asks for no NIK, no address and no GPS.  It asks for a name only as
an optional field for the field team's own follow-up and a phone number only of volunteers for
facilitator; petarawan drops both (and every free-text answer) when it reads an export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Iterable, Optional

import typer

ID = "Bahasa Indonesia (id)"
EN = "English (en)"

# (list_name, name, label id, label en)
CHOICES: list[tuple[str, str, str, str]] = [
    ("ya_tidak", "ya", "Ya", "Yes"),
    ("ya_tidak", "tidak", "Tidak", "No"),
    ("ya_tidak_mungkin", "ya", "Ya", "Yes"),
    ("ya_tidak_mungkin", "mungkin", "Mungkin", "Maybe"),
    ("ya_tidak_mungkin", "tidak", "Tidak", "No"),
    ("terpapar", "ya", "Ya", "Yes"),
    ("terpapar", "tidak", "Tidak", "No"),
    ("terpapar", "tidak_menjawab", "Memilih tidak menjawab", "Prefers not to answer"),
    ("peran", "warga", "Warga", "Resident"),
    ("peran", "tokoh_masyarakat", "Tokoh masyarakat", "Community leader"),
    ("peran", "tokoh_agama", "Tokoh agama", "Religious leader"),
    ("peran", "tokoh_pemuda", "Tokoh pemuda", "Youth leader"),
    ("peran", "perangkat_kelurahan", "Perangkat kelurahan/desa", "Village official"),
    ("peran", "aparat", "Aparat (Babinsa/Bhabinkamtibmas)", "Security officer (Babinsa/Bhabinkamtibmas)"),
    ("kelompok_usia", "u15_24", "15–24 tahun", "15–24 years"),
    ("kelompok_usia", "u25_34", "25–34 tahun", "25–34 years"),
    ("kelompok_usia", "u35_44", "35–44 tahun", "35–44 years"),
    ("kelompok_usia", "u45_59", "45–59 tahun", "45–59 years"),
    ("kelompok_usia", "u60", "60 tahun ke atas", "60 years or older"),
    ("jenis_kelamin", "l", "Laki-laki", "Male"),
    ("jenis_kelamin", "p", "Perempuan", "Female"),
    ("jenis_usaha", "kuliner", "Kuliner/olahan makanan", "Food and catering"),
    ("jenis_usaha", "menjahit", "Menjahit/konveksi", "Tailoring"),
    ("jenis_usaha", "kerajinan", "Kerajinan tangan", "Handicrafts"),
    ("jenis_usaha", "perbengkelan", "Perbengkelan/servis motor", "Motorcycle repair"),
    ("jenis_usaha", "budidaya_ikan", "Budidaya ikan", "Fish farming"),
    ("jenis_usaha", "pertanian_hidroponik", "Pertanian/hidroponik", "Farming/hydroponics"),
    ("jenis_usaha", "jasa_digital", "Jasa digital (desain, konten, servis HP)", "Digital services"),
    ("jenis_usaha", "salon_tata_rias", "Salon/tata rias", "Hair and beauty"),
    ("jenis_usaha", "laundry", "Laundry", "Laundry"),
    ("jenis_usaha", "warung", "Warung/toko kelontong", "Small shop"),
    ("jenis_usaha", "lainnya", "Lainnya", "Other"),
    ("jenis_usaha", "tidak_ada", "Tidak berminat", "No interest"),
    ("keterampilan", "memasak", "Memasak/mengolah makanan", "Cooking/food processing"),
    ("keterampilan", "menjahit", "Menjahit", "Sewing"),
    ("keterampilan", "kerajinan_tangan", "Kerajinan tangan", "Handicrafts"),
    ("keterampilan", "otomotif", "Otomotif/mesin", "Mechanics"),
    ("keterampilan", "budidaya_perikanan", "Budidaya perikanan", "Aquaculture"),
    ("keterampilan", "bertani", "Bertani/berkebun", "Farming/gardening"),
    ("keterampilan", "komputer_digital", "Komputer/digital", "Computers/digital"),
    ("keterampilan", "tata_rias", "Tata rias/potong rambut", "Hairdressing/make-up"),
    ("keterampilan", "pemasaran", "Pemasaran/berjualan", "Marketing/selling"),
    ("keterampilan", "pembukuan", "Pembukuan/keuangan", "Bookkeeping"),
    ("keterampilan", "tidak_ada", "Tidak ada", "None"),
    ("sda", "lahan_pekarangan", "Lahan kosong/pekarangan", "Vacant land/yards"),
    ("sda", "kolam_perairan", "Kolam/perairan", "Ponds/water bodies"),
    ("sda", "hasil_laut", "Hasil laut", "Sea products"),
    ("sda", "hasil_kebun", "Hasil kebun (lada, karet, buah)", "Plantation produce (pepper, rubber, fruit)"),
    ("sda", "bahan_kerajinan", "Bahan kerajinan (bambu, rotan, limbah timah)", "Craft materials"),
    ("sda", "tempat_usaha", "Tempat usaha/balai bersama", "Shared premises/hall"),
    ("sda", "tidak_ada", "Tidak ada", "None"),
    ("akses_pasar", "pasar_tradisional", "Pasar tradisional", "Traditional market"),
    ("akses_pasar", "toko_warung", "Toko/warung sekitar", "Nearby shops"),
    ("akses_pasar", "online", "Penjualan online", "Online sales"),
    ("akses_pasar", "pengepul", "Pengepul/tengkulak", "Middlemen/collectors"),
    ("akses_pasar", "tidak_ada", "Tidak ada", "None"),
]

_REL = "${persetujuan} = 'ya'"

# (type, name, label id, label en, hint id, hint en, required, relevant, constraint, appearance)
SURVEY: list[tuple[str, ...]] = [
    ("start", "start", "", "", "", "", "", "", "", ""),
    ("end", "end", "", "", "", "", "", "", "", ""),
    ("note", "pengantar",
     "Survei potensi masyarakat untuk perencanaan pemberdayaan. Jawaban diolah tanpa identitas dan hanya dilaporkan per kelurahan.",
     "Community-potential survey for empowerment planning. Answers are processed without identities and reported only per kelurahan.",
     "", "", "", "", "", ""),
    ("select_one ya_tidak", "persetujuan", "Apakah Anda bersedia mengikuti survei ini?",
     "Do you agree to take part in this survey?", "", "", "yes", "", "", ""),
    ("begin_group", "wilayah", "Wilayah", "Area", "", "", "", _REL, "", "field-list"),
    ("select_one wilayah", "kode_wilayah", "Kelurahan/desa tempat tinggal responden", "Respondent's kelurahan/village",
     "Pilih dari daftar; kode Kemendagri", "Choose from the list; Kemendagri code", "yes", "", "", "minimal autocomplete"),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "responden", "Responden", "Respondent", "", "", "", _REL, "", "field-list"),
    ("text", "nama_responden", "Nama panggilan (opsional)", "First name (optional)",
     "Hanya untuk tim lapangan; petarawan menghapus nama saat data dibaca",
     "For the field team only; petarawan deletes names when it reads the data", "", "", "", ""),
    ("select_one peran", "peran", "Peran di masyarakat", "Role in the community", "", "", "yes", "", "", ""),
    ("select_one kelompok_usia", "kelompok_usia", "Kelompok umur", "Age band", "", "", "yes", "", "", ""),
    ("select_one jenis_kelamin", "jenis_kelamin", "Jenis kelamin", "Sex", "", "", "yes", "", "", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "rumah_tangga", "Rumah tangga", "Household", "", "", "", _REL, "", ""),
    ("integer", "jumlah_art", "Jumlah anggota rumah tangga", "Number of household members", "", "", "yes", "",
     ". >= 1 and . <= 30", ""),
    ("select_one terpapar", "rt_terpapar",
     "Pertanyaan berikut bersifat pribadi dan boleh tidak dijawab. Apakah ada anggota rumah tangga yang pernah atau sedang "
     "terdampak penyalahgunaan narkoba (termasuk yang sedang pulih)?",
     "The next question is personal and may be left unanswered. Has any household member been affected by drug use, "
     "now or in the past (including those in recovery)?",
     "Tanyakan dengan tenang, tanpa orang lain mendengar; jangan menanyakan siapa orangnya",
     "Ask calmly and privately; never ask who the person is", "yes", "", "", ""),
    ("select_one ya_tidak_mungkin", "minat_pelatihan",
     "Apakah ada anggota rumah tangga yang mau mengikuti pelatihan keterampilan gratis?",
     "Would a household member join free skills training?", "", "", "yes", "", "", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "usaha", "Minat dan keterampilan usaha", "Business interests and skills", "", "", "", _REL, "", ""),
    ("select_multiple jenis_usaha", "minat_usaha", "Jenis usaha yang diminati rumah tangga", "Kinds of business the household is interested in",
     "Boleh lebih dari satu", "Several allowed", "yes", "",
     "not(selected(., 'tidak_ada') and count-selected(.) > 1)", ""),
    ("text", "minat_usaha_lain", "Usaha lain yang diminati", "Other business of interest", "", "", "",
     "selected(${minat_usaha}, 'lainnya')", "", ""),
    ("select_multiple keterampilan", "keterampilan", "Keterampilan yang dimiliki anggota rumah tangga", "Skills present in the household",
     "Boleh lebih dari satu", "Several allowed", "yes", "", "not(selected(., 'tidak_ada') and count-selected(.) > 1)", ""),
    ("select_one ya_tidak", "punya_usaha", "Apakah rumah tangga sudah memiliki usaha kecil?", "Does the household run a small business?",
     "", "", "yes", "", "", ""),
    ("select_multiple jenis_usaha", "usaha_dimiliki", "Jenis usaha yang sudah dijalankan", "Kinds of business already run",
     "", "", "", "${punya_usaha} = 'ya'", "not(selected(., 'tidak_ada'))", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "sumber_daya", "Sumber daya dan pasar", "Resources and markets", "", "", "", _REL, "", ""),
    ("select_multiple sda", "sda", "Sumber daya setempat yang bisa dimanfaatkan", "Local resources that could be used",
     "", "", "yes", "", "not(selected(., 'tidak_ada') and count-selected(.) > 1)", ""),
    ("select_multiple akses_pasar", "akses_pasar", "Ke mana hasil usaha bisa dijual?", "Where could products be sold?",
     "", "", "yes", "", "not(selected(., 'tidak_ada') and count-selected(.) > 1)", ""),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("begin_group", "pendamping", "Pendamping", "Facilitator", "", "", "", _REL, "", ""),
    ("select_one ya_tidak_mungkin", "bersedia_pendamping",
     "Apakah Anda bersedia menjadi pendamping (agen pemulihan/penggerak) setelah mengikuti bimtek?",
     "Would you serve as a facilitator (pendamping) after technical guidance (bimtek)?", "", "", "yes", "", "", ""),
    ("text", "no_hp", "Nomor HP untuk dihubungi tim (opsional)", "Phone number for the team (optional)",
     "Hanya untuk tim lapangan; petarawan menghapusnya saat data dibaca",
     "For the field team only; petarawan deletes it when it reads the data", "", "${bersedia_pendamping} = 'ya'", "", "numbers"),
    ("end_group", "", "", "", "", "", "", "", "", ""),
    ("text", "catatan", "Catatan enumerator (jangan tulis nama/alamat)", "Enumerator's notes (no names or addresses)",
     "", "", "", _REL, "", "multiline"),
]


def build_form(areas: Iterable[tuple[str, str]], path: Path, *, version: str = "2026.1",
               title: str = "Potensi Masyarakat (petarawan)") -> Path:
    """Write the community-potential XLSForm.

    Parameters
    ----------
    areas : iterable of (code, name)
        The study's areas: canonical Kemendagri code (choice name) and area name (label).
    path : Path
        Output ``.xlsx``.
    version : str
        Form version (``settings.version``).

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", f"label::{ID}", f"label::{EN}", f"hint::{ID}", f"hint::{EN}",
               "required", "relevant", "constraint", "appearance"])
    for row in SURVEY:
        ws.append(list(row))
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", f"label::{ID}", f"label::{EN}"])
    for row in CHOICES:
        ch.append(list(row))
    for code, name in sorted(areas):
        ch.append(["wilayah", str(code), f"{name} ({code})", f"{name} ({code})"])
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append([title, "potensi_masyarakat", version, ID])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def form_command(
        study_dir: Annotated[Path, typer.Argument()],
        out: Annotated[Optional[Path], typer.Option()] = None,
        force: Annotated[bool, typer.Option("--force")] = False,
) -> None:
    """Write the potential-survey XLSForm with the study's areas.

    An existing file is never overwritten unless ``--force`` is given (the default output is the
    study's own ``potensi_masyarakat.xlsx``, which may be the form a survey was collected with).

    Example: petarawan form examples/pangkalpinang --out potensi_masyarakat.xlsx
    """
    from ..codes import area_code
    from ..registry import load_config
    from ..errors import PetarawanError
    from ..io.readers import read_boundaries, resolve

    try:
        cfg = load_config(study_dir)
        g = read_boundaries(resolve(study_dir, cfg.areas.file, "boundary"), layer=cfg.areas.layer)
        scheme = cfg.areas.code_scheme
        areas = sorted({(area_code(c, scheme), str(n)) for c, n in zip(g[cfg.areas.code_column], g[cfg.areas.name_column])
                        if area_code(c, scheme) is not None})
    except PetarawanError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1)
    out = Path(out) if out is not None else Path(study_dir) / "potensi_masyarakat.xlsx"
    if out.exists() and not force:
        typer.echo(f"{out} sudah ada; tidak ditimpa (pakai --force) / {out} exists; not overwritten (use --force)", err=True)
        raise typer.Exit(1)
    build_form(areas, out)
    typer.echo(f"{out} ({len(areas)} wilayah / areas)")
