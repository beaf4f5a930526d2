"""Program names the rules propose, on small made-up texts, one rule each (the seeds' cases
are in test_candidates.py)."""

from __future__ import annotations

import pytest

from llmextract.extract.candidates.programs import about_topic, propose_programs
from llmextract.prompts import load_prompt

CONFIG = load_prompt("candidates").data["programs"]

AFTER_A_VERB = (
    "Judul\n\nPuskesmas menjalankan Sekolah Lapang Ibu Balita (Selabi) di desa lokus stunting."
)
ACRONYM_FIRST = "Judul\n\nKader menjalankan Dashat (Dapur Sehat Atasi Stunting) di setiap desa."
BUDGET_FOR = (
    "Judul\n\nPemkab mengalokasikan anggaran Rp 2 miliar untuk Pemberian Makanan Tambahan "
    "(PMT) lokal."
)
ACTIVITY = (
    "Judul\n\nDinas Kesehatan menggencarkan pemberian tablet tambah darah bagi remaja putri di "
    "sekolah."
)
GIVING_VERB = (
    "Judul\n\nPemkab memberikan tablet tambah darah kepada sekitar 9.400 remaja putri di sekolah."
)
CAMPAIGN = "Judul\n\nPemkab menggandeng tokoh agama melalui kampanye Cegah Stunting."
CAPITALISED_PROGRAM_WORD = "Judul\n\nKuncinya adalah Gerakan Makan Ikan Bersama (Gemari)."
TWO_ACTIVITIES = (
    "Judul\n\nDinkes menyelenggarakan pelatihan bagi 120 kader dan melakukan pemeriksaan "
    "kehamilan kepada ibu hamil di puskesmas."
)
TWO_NAMED = (
    "Judul\n\nPemkab menjalankan program Kampung Keluarga Berkualitas (Kampung KB) dan Bina "
    "Keluarga "
    "Remaja (BKR)."
)
NAME_AFTER_A_VERB = (
    "Judul\n\nPemkab menggelar Sabtu Sehat Keluarga, yakni senam dan cek gizi bagi balita."
)
VERB_OF_THE_ACTIVITY = "Judul\n\nPuskesmas melatih kembali kader tentang cara menimbang balita."
SERVICE_NOUN = "Judul\n\nBidan rutin melakukan kunjungan rumah bagi ibu hamil yang anemia."
COPULA_CUT = (
    "Judul\n\nProgram unggulan adalah pemberian susu formula lanjutan selama 60 hari bagi 200 "
    "balita gizi kurang."
)
LISTED_ACTIVITIES = (
    "Judul\n\nPemkot melanjutkan pemberian vitamin A bagi 900 balita di posyandu, penyuluhan "
    "gizi kepada ibu menyusui di puskesmas, serta senam hamil."
)
MEANS_OF_A_NAMED_ONE = (
    "Judul\n\nDinas Pertanian menjalankan Gerakan Tanam Sayur (Getas) dengan membagikan bibit "
    "kepada keluarga berisiko stunting."
)
PEOPLE_LISTED = (
    "Judul\n\nBidan memberikan makanan tambahan kepada balita, ibu hamil dan ibu menyusui di desa."
)
NUMBER_WORDS = "Judul\n\nKader membagikan susu kepada dua ratus balita di posyandu."
AFTER_ITS_PROGRAM_WORD = (
    "Judul\n\nPemkab meluncurkan Program Satu Kampung Satu Dapur Gizi. Kader menjalankan "
    "Satu Kampung Satu Dapur Gizi di Desa Maju."
)
JOINED_ACTIVITIES = (
    "Judul\n\nDinkes menyelenggarakan penyuluhan gizi bagi calon pengantin dan pemeriksaan "
    "kehamilan bagi ibu hamil."
)
FOR_A_COUNT = "Judul\n\nBaznas memberikan bantuan paket gizi untuk 500 balita gizi kurang."
ENUMERATION_WITH_AND = (
    "Judul\n\nProgram lain antara lain Posyandu Remaja, Dapur Gizi Kelurahan, dan Bank Telur."
)
BY_MEANS_OF = (
    "Judul\n\nPemkab menekan stunting melalui pemberian makanan tambahan bagi balita gizi kurang."
)
QUOTED_NAME = "Judul\n\nPemkot meluncurkan program \"Jumat Sehat Keluarga\" untuk balita."
NAMED_SERVICE = "Judul\n\nAda pula layanan Pojok Gizi Keluarga di setiap puskesmas."
AMONG_THEM = (
    "Judul\n\nBerbagai program dijalankan, di antaranya Dapur Sehat Keluarga, Bank Telur Desa, "
    "dan Kelas Ayah Hebat."
)
LISTED_AS_PROGRAMS = (
    "Judul\n\nLayanan dasar tetap jalan, seperti pemberian vitamin melalui posyandu."
)
LISTED_ACTIVITIES_OF_A_PROGRAM = (
    "Judul\n\nProgram yang berjalan antara lain pemberian vitamin A, imunisasi "
    "dasar lengkap, dan penyuluhan gizi, kata dia."
)
PLACE_SERVICES = (
    "Judul\n\nMelalui program itu, desa menyediakan rumah gizi, yakni tempat pemberian makanan, "
    "konseling menyusui, dan pemantauan gizi."
)
PEOPLE_AFTER_THE_TIME = (
    "Judul\n\nDinas Sosial menyalurkan susu formula selama 30 hari kepada lebih dari 600 "
    "ibu hamil di desa lokus."
)
PEOPLE_AFTER_HOW_OFTEN = (
    "Judul\n\nSekolah membagikan tablet tambah darah setiap minggu kepada siswi kelas 7."
)
OPENED = (
    "Judul\n\nPuskesmas membuka Pojok Laktasi Keluarga (PLK), tempat ibu menyusui berkonsultasi."
)
COUNTED_TEAM = (
    "Judul\n\nSebanyak 90 Tim Pendamping Keluarga (TPK) kini mendampingi 1.200 ibu hamil di desa."
)
TRAINED_AGAIN = "Judul\n\nSebanyak 60 bidan desa di kecamatan itu dilatih kembali menimbang bayi."
RECEIVED = "Judul\n\nDari 400 ibu hamil anemia, baru 250 orang yang mendapat tablet tambah darah."
MARKDOWN_LIST = (
    "# Judul\n\nProgram prioritas tahun ini:\n\n"
    "1. **Dapur Gizi (Dagi)** di 12 Kampung KB, untuk baduta.\n"
    "2. **PMT lokal** untuk balita gizi kurang selama 90 hari.\n"
    "3. **Kelas Ibu Hamil**: penyuluhan setiap bulan."
)
MARKDOWN_HEADING = (
    "# Judul\n\nPemkot memperkuat layanan gizi.\n\n## Program unggulan\n\n"
    "- **Posyandu Keliling** di desa terpencil."
)


@pytest.mark.parametrize(
    "text, name, rule",
    [
        (AFTER_A_VERB, "Sekolah Lapang Ibu Balita (Selabi)", "after_verb"),
        (ACRONYM_FIRST, "Dashat (Dapur Sehat Atasi Stunting)", "after_verb"),
        (BUDGET_FOR, "Pemberian Makanan Tambahan (PMT)", "budget_for"),
        (ACTIVITY, "Pemberian tablet tambah darah bagi remaja putri", "activity"),
        (GIVING_VERB, "Pemberian tablet tambah darah kepada remaja putri", "activity"),
        (CAMPAIGN, "Cegah Stunting", "after_program_word"),
        (CAPITALISED_PROGRAM_WORD, "Gerakan Makan Ikan Bersama (Gemari)", "after_program_word"),
        (NAME_AFTER_A_VERB, "Sabtu Sehat Keluarga", "name_after_verb"),
        (VERB_OF_THE_ACTIVITY, "Pelatihan kembali kader tentang cara menimbang balita", "activity"),
        (SERVICE_NOUN, "Kunjungan rumah bagi ibu hamil", "activity"),
        (COPULA_CUT, "pemberian susu formula lanjutan", "copula"),
        (MEANS_OF_A_NAMED_ONE, "Gerakan Tanam Sayur (Getas)", "after_verb"),
        (
            PEOPLE_LISTED,
            "Pemberian makanan tambahan kepada balita, ibu hamil dan ibu menyusui",
            "activity",
        ),
        (NUMBER_WORDS, "Pembagian susu kepada balita", "activity"),
        (AFTER_ITS_PROGRAM_WORD, "Program Satu Kampung Satu Dapur Gizi", "name_after_verb"),
        (FOR_A_COUNT, "Pemberian bantuan paket gizi untuk balita", "activity"),
        (BY_MEANS_OF, "Pemberian makanan tambahan bagi balita", "activity"),
        (QUOTED_NAME, "Jumat Sehat Keluarga", "after_program_word"),
        (NAMED_SERVICE, "Pojok Gizi Keluarga", "after_program_word"),
        (LISTED_AS_PROGRAMS, "Pemberian vitamin", "listed_activity"),
        (PEOPLE_AFTER_THE_TIME, "Penyaluran susu formula", "activity"),
        (OPENED, "Pojok Laktasi Keluarga (PLK)", "opened"),
        (COUNTED_TEAM, "Pendampingan ibu hamil oleh Tim Pendamping Keluarga (TPK)", "team_work"),
        (TRAINED_AGAIN, "Pelatihan kembali bidan", "passive"),
        (RECEIVED, "Pemberian tablet tambah darah", "received"),
        (PEOPLE_AFTER_HOW_OFTEN, "Pembagian tablet tambah darah", "activity"),
        ("Judul\n\nDi tiap banjar kami bentuk Sekaa Gizi untuk ibu balita.", "Sekaa Gizi",
         "service_name"),
        # an activity noun after any active verb (me-), opening the sentence, or after 'ada pula'
        ("Judul\n\nPemkab memperketat pemeriksaan kesehatan calon pengantin tiga bulan sebelum "
         "menikah.", "Pemeriksaan kesehatan calon pengantin", "activity"),
        ("Judul\n\nPemberian makanan tambahan berbahan pangan lokal untuk balita gizi kurang, "
         "selama 56 hari.", "Pemberian makanan tambahan berbahan pangan lokal untuk balita",
         "activity"),
        ("Judul\n\nAda pula pemberian makanan tambahan lokal bagi 1.350 balita gizi kurang.",
         "Pemberian makanan tambahan lokal bagi balita", "activity"),
        # a name introduced as one, the long name of a short one
        ("Judul\n\nPemkab meluncurkan gerakan yang diberi nama \"Noken Gizi\" untuk balita.",
         "Noken Gizi", "named"),
        ("Judul\n\nDinas Kesehatan mengembangkan inovasi bernama DUSAK atau Dusun Sehat Anak "
         "Kuat.", "Dusun Sehat Anak Kuat (DUSAK)", "named"),
        # the people after the things given
        ("Judul\n\nDinkes memberikan makanan tambahan berupa telur dan kacang hijau tiga kali "
         "seminggu kepada balita stunting.", "Pemberian makanan tambahan", "activity"),
        # what follows 'yaitu' after a name describes it
        ("Judul\n\nPemkab menjalankan program Sambang Bocah, yaitu kunjungan rumah oleh kader ke "
         "balita berisiko.", "Sambang Bocah", "after_program_word"),
        # a team's work told of the people it is done to; aid received by people of the topic
        ("Judul\n\nSebanyak 2.310 keluarga berisiko stunting telah didampingi oleh 318 tim "
         "pendamping keluarga.", "Pendampingan oleh tim pendamping keluarga", "team_passive"),
        ("Judul\n\nIbu hamil KEK mendapat biskuit makanan tambahan selama 120 hari.",
         "Pemberian biskuit", "received"),
        ("Judul\n\nPuskesmas menyiapkan layanan, termasuk pemberian makanan tambahan bagi ibu "
         "hamil KEK.", "Pemberian makanan tambahan bagi ibu hamil", "activity"),
        # a service held at a place, its words up to one that says where
        ("Judul\n\nPuskesmas menggelar posyandu malam di balai dusun.", "posyandu malam",
         "service_place"),
        ("Judul\n\nPuskesmas menggelar posyandu malam dan kelas gizi.", "posyandu malam",
         "service_place"),  # or a word joining another
        # sanitation serves the topic whoever it is for
        ("Judul\n\nDinas PUPR mempercepat pembangunan jamban apung di desa lokus.",
         "Pembangunan jamban apung", "activity"),
        # what a budget is for, whoever it serves
        ("Judul\n\n\"Anggaran ini untuk pemberian makanan tambahan,\" ujar Indra.",
         "Pemberian makanan tambahan", "activity"),
        ("Judul\n\nProgram ini kami namakan Noken Gizi, karena semua kebutuhan anak dibawa.",
         "Noken Gizi", "service_name"),
    ],
)
def test_one_program_in_prose(text: str, name: str, rule: str) -> None:
    [found] = propose_programs(text, CONFIG)
    assert (found.program.name, found.rule) == (name, rule)
    assert text[found.program.span.start : found.program.span.end] == found.program.quote


@pytest.mark.parametrize(
    "text, names",
    [
        (TWO_ACTIVITIES, ["Pelatihan bagi kader", "Pemeriksaan kehamilan kepada ibu hamil"]),
        (TWO_NAMED, ["Bina Keluarga Remaja (BKR)", "Kampung Keluarga Berkualitas (Kampung KB)"]),
        (
            LISTED_ACTIVITIES,
            ["Pemberian vitamin A bagi balita", "Penyuluhan gizi kepada ibu menyusui"],
        ),
        (
            JOINED_ACTIVITIES,
            ["Penyuluhan gizi bagi calon pengantin", "Pemeriksaan kehamilan bagi ibu hamil"],
        ),
        (ENUMERATION_WITH_AND, ["Posyandu Remaja", "Dapur Gizi Kelurahan", "Bank Telur"]),
        (AMONG_THEM, ["Dapur Sehat Keluarga", "Bank Telur Desa", "Kelas Ayah Hebat"]),
        (
            LISTED_ACTIVITIES_OF_A_PROGRAM,
            ["Pemberian vitamin A", "Imunisasi dasar lengkap", "Penyuluhan gizi"],
        ),
    ],
)
def test_two_programs_in_one_sentence(text: str, names: list[str]) -> None:
    assert [p.program.name for p in propose_programs(text, CONFIG)] == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Judul\n\nPemkot menjalankan Samarinda Peduli Gizi Keluarga atau Sapu Gizi bagi balita "
         "stunting.", ["Samarinda Peduli Gizi Keluarga (Sapu Gizi)"]),
        ("Judul\n\nAndalan pemkab adalah program Gerakan Gizi Anak Sasak, yang dalam bahasa Sasak "
         "disebut Gerak Semeton, bagi balita stunting.",
         ["Gerakan Gizi Anak Sasak (Gerak Semeton)"]),
    ],
)
def test_a_program_and_its_other_name_are_one_program(text: str, names: list[str]) -> None:
    assert [p.program.name for p in propose_programs(text, CONFIG)] == names


def test_bold_names_of_a_numbered_list_of_programs() -> None:
    found = propose_programs(MARKDOWN_LIST, CONFIG)
    assert [(p.program.name, p.rule) for p in found] == [
        ("Dapur Gizi (Dagi)", "bullet"),
        ("PMT lokal", "bullet"),
        ("Kelas Ibu Hamil", "bullet"),
    ]
    assert found[0].program.quote == "1. **Dapur Gizi (Dagi)** di 12 Kampung KB, untuk baduta."


def test_a_budget_is_part_of_its_programs_description() -> None:
    [prose] = propose_programs(BUDGET_FOR, CONFIG)
    assert (
        prose.program.description
        == "Pemkab mengalokasikan anggaran Rp 2 miliar untuk Pemberian Makanan Tambahan"
    )
    items = propose_programs(MARKDOWN_LIST, CONFIG)
    assert [p.program.description for p in items] == [
        "di 12 Kampung KB, untuk baduta.",
        "untuk balita gizi kurang selama 90 hari.",
        "penyuluhan setiap bulan.",
    ]


def test_a_heading_opens_a_list_of_programs() -> None:
    assert [p.program.name for p in propose_programs(MARKDOWN_HEADING, CONFIG)] == [
        "Posyandu Keliling"
    ]


@pytest.mark.parametrize(
    "text",
    [
        # no people
        "Judul\n\nSekda memberikan apresiasi kepada seluruh Organisasi Perangkat Daerah (OPD).",
        # not people of the topic
        "Judul\n\nDinas Sosial memberikan bantuan kepada warga terdampak banjir.",
        "Judul\n\nDinas Pemberdayaan Perempuan dan Keluarga Berencana (P3AKB) hadir.",  # an office
        "Judul\n\nPemkot melakukan penimbangan serentak bagi seluruh balita.",  # a measurement
        "Judul\n\nDinas menjalankan upaya penurunan stunting bagi balita.",  # not an activity noun
        "Judul\n\nRapat membahas Program Percepatan Penurunan Stunting.",  # the national policy
        "Judul\n\nTim Penggerak PKK menjalankan Tim Pendamping Keluarga (TPK) di desa.",  # a team
        # not a list of programs
        "Judul\n\nBeberapa kegiatan:\n\n1. Rapat koordinasi.\n2. Kunjungan lapangan.",
        "Judul\n\nBappeda menggelar Rembuk Stunting Tingkat Kota di aula.",  # a meeting
        "Judul\n\nBupati melakukan Kunjungan Kerja ke desa lokus stunting.",  # a visit
        "Judul\n\nWali kota mengunjungi Posyandu Melati bersama kader.",  # a place
        "Judul\n\nKader menggelar posyandu di balai desa untuk balita.",  # the place alone
        "Judul\n\nBupati menerapkan Peraturan Bupati tentang stunting.",  # a regulation
        # what a place offers, listed after a word of means that starts no activity
        "Judul\n\nMelalui rumah gizi, warga mendapat konseling menyusui, dan pemantauan gizi "
        "bagi balita.",
        "Judul\n\nDinkes menerapkan Standar Pelayanan Minimal bagi balita.",  # a standard
        # a measurement, capitalised
        "Judul\n\nPemkab melakukan Pengukuran Serentak bagi seluruh balita.",
        # the workings of a program named by a word of means before them
        "Judul\n\nLewat Gemari, nelayan membagikan ikan segar setiap pekan kepada 300 balita.",
        "Judul\n\nMelalui program ini, warga menyediakan menu bergizi bagi ibu hamil dan balita.",
        "Judul\n\nDalam gerakan ini, setiap balita stunting didampingi satu kader.",
        # not named for the topic
        "Judul\n\nBupati meresmikan Rumah Sakit Umum Daerah (RSUD) Sehat Sentosa bagi balita.",
        "Judul\n\nBupati membuka Rapat Koordinasi Gizi Daerah di aula.",  # a meeting
        "Judul\n\nTPK juga mendampingi balita yang sakit di rumah.",  # a team not counted
        "Judul\n\nBidan Rina mendampingi 12 ibu hamil setiap bulan.",  # one person's help
        # not people of the topic
        "Judul\n\nSebanyak 40 TPK mendampingi kepala desa meninjau lokasi.",
        "Judul\n\nSebanyak 20 anak yang dilatih menari tampil di acara itu.",  # not the workforce
        "Judul\n\nDinas membagikan hadiah selama acara kepada 30 balita.",  # 'acara' is no time
        "Judul\n\nBupati meresmikan Gedung Gizi Center di kompleks dinas.",  # a building
        # not the topic's aid
        "Judul\n\nSebanyak 12 desa menerima penghargaan karena stunting balita turun.",
        # not people of the topic
        "Judul\n\nSebanyak 80 warga menerima makanan tambahan saat bazar.",
        "Judul\n\nCamat membuka Pekan Gizi Nasional tingkat kecamatan.",  # an event
        "Judul\n\nProgram itu dibahas dalam Forum Rembuk Stunting bersama camat.",  # a meeting
        # set apart from the topic, in its sentence or the next one pointing back to it
        "Judul\n\nDi luar urusan stunting, dinas menjalankan program Beasiswa Siswa Hebat bagi "
        "pelajar.",
        "Judul\n\nIa menyinggung Program Kampung Terang, yakni pemasangan lampu jalan. Program "
        "itu penting, meski bukan bagian dari penanganan stunting.",
        "Judul\n\nKader yang dilatih tahun lalu kini aktif di posyandu.",  # nobody counted
        "Judul\n\nDinas menyalurkan beras selama sebulan kepada warga.",  # people not of the topic
        # a name for the topic's service that is a survey, a goal or the work of an aim
        "Judul\n\nAngka itu berdasarkan hasil Survei Status Gizi Indonesia tahun lalu.",
        "Judul\n\nPemkab bertekad mewujudkan Zero Stunting di seluruh desa.",
        "Judul\n\nDiketahui, upaya Konkret Penurunan Stunting terus dilakukan.",
        # an occasion, not an activity; an office-holder's title and a budget's source as heads
        "Judul\n\nPeluncuran Genta juga dihadiri Ketua Tim Penggerak PKK dan kader balita.",
        "Judul\n\nPemkab meluncurkan Ketua Lembaga Adat (LKA) untuk mendampingi balita.",
        # not the topic's people; a person's name
        "Judul\n\nDinas membagikan hadiah berupa kaus kepada peserta lomba.",
        "Judul\n\nKepala dinas yang bernama Budi Santoso hadir di acara itu.",
        # an activity already named, referred to again (a passive verb or a demonstrative next)
        "Judul\n\nPendampingan dilakukan oleh bidan desa dan kader bagi balita.",
        "Judul\n\nPendaftaran itu dilakukan untuk 640 keluarga berisiko stunting.",
        # the workings of a program named before, in a sentence about it
        "Judul\n\nLayanan itu termasuk pemberian makanan tambahan bagi ibu hamil KEK.",
        "Judul\n\nProgram yang dirintis Dinas Kesehatan ini memberikan biskuit tinggi protein "
        "kepada keluarga sasaran.",
        # a noun of an office's name after a comma; a time; a verb of saying; a clause of aim
        "Judul\n\nKepala Dinas Pengendalian Penduduk, Pemberdayaan Perempuan dan Perlindungan "
        "Anak mencatat 30 balita stunting.",
        "Judul\n\nHingga pertengahan Juni, 97 bapak asuh terdaftar untuk balita.",
        "Judul\n\nIa mengatakan pendampingan kini ditopang kader bagi balita.",
        "Judul\n\nPuskesmas terapung disiapkan supaya pelayanan untuk ibu hamil dan balita "
        "mendekat.",
    ],
)
def test_not_programs(text: str) -> None:
    assert propose_programs(text, CONFIG) == []


def test_the_services_of_a_place_are_not_a_list_of_programs() -> None:
    assert "listed_activity" not in {p.rule for p in propose_programs(PLACE_SERVICES, CONFIG)}


def test_an_article_about_another_topic_has_none_of_its_programs() -> None:
    dengue = ("Kasus DBD naik\n\nDinkes membentuk Gerakan Satu Rumah Satu Jumantik bagi balita. "
              "Program stunting berjalan seperti biasa.")
    assert propose_programs(dengue, CONFIG)  # the rules alone would take it
    assert not about_topic(dengue)  # named once: the strategy asks for no programs
    assert about_topic(dengue + " Angka stunting turun.")
