"""The Belarus project's demo for trainings, the coordination council and the legislation
review: deterministic (a fixed seed), written through the app's own functions (so every rule
holds for it), run once (the council marks it done).

- Five trainings over the last three months for 75 staff of eight agencies, pre-tests near
  55% and post-tests near 80% of the maximum; each day held is a group service.
- The project's coordination council: its first meeting on 15 July (seed 004: the Deputy
  Minister of Healthcare and the Chief of Mission open it) and a second one, decisions and
  nine action items (four done, one dropped, one overdue).
- Seven instruments reviewed, findings, and nine recommendations in every status."""

import random
from datetime import date, timedelta
from decimal import Decimal

from kopru.core.models import Location, Mission, Project, User

from . import council, governance, legislation, trainings
from .models import Agency, Council, Instrument, Member, Participant, Training

SEED = 9_2026
SITE = "Kopru office Minsk"
COUNCIL = (
    "Координационный совет проекта «Поддержка национального потенциала в области здоровья "
    "мигрантов»"
)

FEMALE = [
    "Алена",
    "Анастасия",
    "Ирина",
    "Ольга",
    "Татьяна",
    "Наталья",
    "Елена",
    "Светлана",
    "Юлия",
    "Марина",
    "Мария",
    "Екатерина",
    "Виктория",
    "Людмила",
    "Инна",
]
MALE = [
    "Александр",
    "Сергей",
    "Андрей",
    "Дмитрий",
    "Алексей",
    "Виктор",
    "Игорь",
    "Павел",
    "Николай",
    "Владимир",
    "Максим",
    "Денис",
    "Евгений",
    "Олег",
    "Юрий",
]
SURNAMES = [
    ("Иванов", "Иванова"), ("Новик", "Новик"), ("Козлов", "Козлова"), ("Морозов", "Морозова"),
    ("Ковалёв", "Ковалёва"), ("Лукашевич", "Лукашевич"), ("Шевчук", "Шевчук"),
    ("Карпович", "Карпович"), ("Жук", "Жук"), ("Богданович", "Богданович"),
    ("Климович", "Климович"), ("Савицкий", "Савицкая"), ("Волков", "Волкова"),
    ("Романович", "Романович"), ("Марченко", "Марченко"), ("Петрович", "Петрович"),
    ("Гурин", "Гурина"), ("Левчук", "Левчук"), ("Сидоренко", "Сидоренко"), ("Ярош", "Ярош"),
]  # fmt: skip
# Agency code: (positions, how many staff)
STAFF = {
    "MOH": (["главный специалист", "консультант управления организации медицинской помощи"], 12),
    "MVD-DCM": (["старший инспектор", "начальник отдела"], 11),
    "GPK": (["офицер пограничного контроля", "начальник медицинской службы"], 8),
    "RCHEPH": (["врач-эпидемиолог", "заведующий отделом"], 12),
    "MINSK-HC": (["главный специалист", "заместитель начальника отдела"], 10),
    "MINSK-CHE": (["врач-эпидемиолог", "помощник врача-эпидемиолога"], 9),
    "RSPC-PT": (["врач-фтизиатр", "научный сотрудник"], 7),
    "MINSK-REG-HD": (["главный специалист"], 6),
}
# title, topic, days ago it started, days, maximum score, trainers, agencies it draws on
TRAININGS = [
    ("Здоровье мигрантов и инфекционные заболевания: туберкулёз и ВИЧ", "communicable_diseases",
     84, 2, 20, "Ирина Соколова, Дмитрий Левчук", ["MOH", "RCHEPH", "RSPC-PT", "MINSK-CHE"]),
    ("Вакцинация мигрантов против COVID-19", "vaccination",
     63, 1, 20, "Ольга Гурина", ["MOH", "MINSK-HC", "MINSK-CHE", "MINSK-REG-HD"]),
    ("Межведомственное перенаправление мигрантов с инфекционными заболеваниями", "referral",
     45, 2, 30, "Ирина Соколова, Павел Ярош", ["MVD-DCM", "GPK", "MOH", "MINSK-HC"]),
    ("Общественное здоровье в пунктах пропуска через границу", "border_health",
     27, 1, 20, "Дмитрий Левчук", ["GPK", "MVD-DCM", "RCHEPH"]),
    ("Право мигрантов на охрану здоровья и доступ к медицинской помощи", "rights_and_access",
     12, 2, 25, "Ольга Гурина, Павел Ярош", ["MVD-DCM", "MINSK-HC", "MINSK-REG-HD", "MOH"]),
]  # fmt: skip
# name, organisation (agency code or text), position, role
MEMBERS = [
    ("Александр Тарасенко", "MOH", "заместитель Министра здравоохранения", "chair"),
    ("Махым Оразмухаммедова", "IOM", "глава Представительства МОМ в Беларуси", "co_chair"),
    ("Анастасия Ковалёва", "IOM", "координатор проекта", "secretary"),
    ("Елена Богданович", "MOH", "начальник управления организации медицинской помощи", "member"),
    ("Сергей Климович", "MVD-DCM", "заместитель начальника департамента", "member"),
    ("Виктор Шевчук", "GPK", "начальник медицинской службы", "member"),
    ("Наталья Савицкая", "RCHEPH", "заместитель главного врача", "member"),
    ("Игорь Романович", "MINSK-HC", "заместитель председателя комитета", "member"),
    ("Людмила Марченко", "RSPC-PT", "заместитель директора", "member"),
    ("Джон Смит", "Всемирная организация здравоохранения, страновой офис", "советник", "observer"),
]
FIRST_AGENDA = (
    "1. Открытие: заместитель Министра здравоохранения и глава Представительства МОМ.\n"
    "2. Международная и региональная практика программ здравоохранения для мигрантов.\n"
    "3. План мероприятий проекта."
)
SECOND_AGENDA = (
    "1. Итоги обучения специалистов государственных органов.\n"
    "2. Предварительные выводы анализа законодательства.\n"
    "3. Выполнение плана мероприятий."
)
# meeting, decision, action, owner (member index or "officer"), due (days after meeting),
# status, done (days after meeting), note
ITEMS = [
    (1, 0, "Утвердить план мероприятий проекта", 2, 14, "done", 12, ""),
    (1, 0, "Назначить контактных лиц от каждого ведомства", 3, 21, "done", 19, ""),
    (1, 1, "Подготовить программу обучения по туберкулёзу и ВИЧ", 2, 30, "done", 28, ""),
    (1, 2, "Собрать перечень нормативных актов для анализа", 6, 45, "done", 40, ""),
    (1, 2, "Представить данные о вакцинации мигрантов против COVID-19", 6, 60, "open", None, ""),
    (1, 1, "Организовать выездной семинар в Гродно", 2, 50, "dropped", None,
     "Заменён обучением в Минске по решению совета."),
    (2, 0, "Разослать участникам материалы обучения", "officer", 25, "in_progress", None, ""),
    (2, 1, "Обсудить рекомендации с Министерством здравоохранения", 3, 30, "open", None, ""),
    (2, 1, "Подготовить проект схемы межведомственного перенаправления", 4, 40, "open", None, ""),
]  # fmt: skip
DECISIONS = {
    1: [
        "Утвердить состав Координационного совета и план мероприятий проекта.",
        "Провести обучение специалистов государственных органов по здоровью мигрантов.",
        "Начать анализ национального и международного законодательства.",
    ],
    2: [
        "Принять к сведению итоги обучения: средний прирост знаний около 25 %.",
        "Вынести рекомендации анализа законодательства на обсуждение с ведомствами.",
    ],
}
# title, kind, jurisdiction, number, adopted, link
INSTRUMENTS = [
    ("Закон Республики Беларусь «О здравоохранении»", "law", "national", "2435-XII",
     date(1993, 6, 18), "https://pravo.by/document/?guid=3871&p0=v19302435"),
    ("Закон Республики Беларусь «О правовом положении иностранных граждан и лиц без "
     "гражданства в Республике Беларусь»", "law", "national", "354-З", date(2010, 1, 4),
     "https://pravo.by/document/?guid=3871&p0=h11000105"),
    ("Закон Республики Беларусь «О санитарно-эпидемиологическом благополучии населения»",
     "law", "national", "340-З", date(2012, 1, 7), ""),
    ("Санитарные нормы и правила «Требования к организации и проведению санитарно-"
     "противоэпидемических мероприятий, направленных на предотвращение заноса, возникновения "
     "и распространения инфекционных заболеваний»", "sanitary_rules", "national", "", None, ""),
    ("Международные медико-санитарные правила (2005 г.)", "convention", "international", "",
     date(2005, 5, 23), "https://www.who.int/publications/i/item/9789241580496"),
    ("Резолюция ВАЗ 70.15 «Укрепление здоровья беженцев и мигрантов»", "resolution",
     "international", "WHA70.15", date(2017, 5, 31), ""),
    ("Глобальный план действий ВОЗ по охране здоровья беженцев и мигрантов на 2019–2030 гг.",
     "guideline", "international", "WHA72.14", date(2019, 5, 28), ""),
]  # fmt: skip
# instrument index, topic, finding, [(recommendation, agency, priority, statuses)]
FINDINGS = [
    (0, "access_to_care", "Бесплатная медицинская помощь иностранцам, временно пребывающим в "
     "стране, ограничена экстренной помощью.",
     [("Включить диагностику и лечение туберкулёза в гарантированный объём помощи для всех "
       "мигрантов независимо от статуса.", "MOH", "high", ["discussed", "accepted"])]),
    (0, "financing", "Нет механизма оплаты профилактических услуг для незастрахованных "
     "мигрантов.",
     [("Предусмотреть финансирование профилактики инфекционных заболеваний у мигрантов из "
       "средств государственных программ.", "MOH", "medium", ["discussed"])]),
    (1, "legal_status", "Выявление инфекционного заболевания может повлечь отказ в продлении "
     "разрешения на пребывание, что удерживает мигрантов от обращения за помощью.",
     [("Разъяснить, что обращение за лечением туберкулёза и ВИЧ не влияет на правовой статус "
       "при соблюдении лечения.", "MVD-DCM", "high", ["discussed"]),
      ("Закрепить порядок информирования мигрантов о праве на лечение.", "MVD-DCM", "medium",
       ["discussed", "rejected"])]),
    (2, "communicable_disease_control", "Порядок эпидемиологического расследования не "
     "учитывает языковые барьеры мигрантов.",
     [("Обеспечить услуги перевода при эпидемиологическом расследовании.", "RCHEPH", "medium",
       ["discussed", "accepted", "implemented"])]),
    (3, "vaccination", "Мигранты не упомянуты среди групп, приоритетных для вакцинации.",
     [("Включить мигрантов в группы приоритетной вакцинации против COVID-19.", "MOH", "high",
       ["discussed", "accepted", "implemented"])]),
    (4, "communicable_disease_control", "Обмен информацией с соседними странами о случаях "
     "заболеваний в пунктах пропуска не формализован.",
     [("Разработать межведомственный порядок уведомления о случаях инфекционных заболеваний "
       "в пунктах пропуска.", "GPK", "high", [])]),
    (5, "data_protection", "Сведения о состоянии здоровья мигрантов передаются между "
     "ведомствами без явных правил конфиденциальности.",
     [("Установить правила конфиденциальности при передаче медицинских сведений о мигрантах.",
       "MOH", "medium", []),
      ("Обучить сотрудников миграционных органов правилам обращения с медицинскими "
       "сведениями.", "MVD-DCM", "low", ["discussed", "accepted"])]),
    (6, "stigma", "Информационные материалы о профилактике доступны только на русском и "
     "белорусском языках.",
     [("Издать материалы о профилактике на языках основных групп мигрантов.", "MINSK-HC", "low",
       [])]),
]  # fmt: skip


def _first_meeting_day(today):
    day = date(today.year, 7, 15)
    return day if day <= today else date(today.year - 1, 7, 15)


def load_demo_governance():
    by = Mission.objects.filter(code="BY").first()
    officer = User.objects.filter(username="capacity_officer").first()
    if by is None or officer is None or Council.objects.filter(mission=by, name=COUNCIL).exists():
        return
    site = Location.objects.get(mission=by, level=Location.Level.SITE, name=SITE)
    project = Project.objects.filter(mission=by, code="BY-CD-2026").first()
    today = governance.today(by)
    rng = random.Random(SEED)
    agencies = {a.code: a for a in Agency.objects.filter(mission=by)}
    staff = _staff(officer, by, agencies, rng)
    _trainings(officer, by, site, project, staff, rng, today)
    _council(officer, by, site, project, agencies, today)
    _legislation(officer, by, agencies, today)


def _staff(officer, by, agencies, rng):
    people, n = {}, 0
    for code, (positions, count) in STAFF.items():
        for _i in range(count):
            female = rng.random() < 0.6
            surname = SURNAMES[n % len(SURNAMES)][1 if female else 0]
            given = rng.choice(FEMALE if female else MALE)
            n += 1
            login = f"staff{n:03d}"
            people.setdefault(code, []).append(
                trainings.save_participant(
                    officer,
                    Participant(
                        mission=by,
                        name=f"{given} {surname}",
                        agency=agencies[code],
                        position=rng.choice(positions),
                        sex="female" if female else "male",
                        age_band="60+" if rng.random() < 0.07 else "18-59",
                        email=f"{login}@{code.lower()}.example.by",
                        phone=f"+37517{2000000 + n * 7919 % 7000000}" if rng.random() < 0.5 else "",
                    ),
                )
            )
    return people


def _score(rng, top, centre):
    return Decimal(max(0, min(top, round(rng.gauss(centre * top, 0.1 * top)))))


def _trainings(officer, by, site, project, staff, rng, today):
    taken = set()
    for title, topic, ago, length, top, trainers, codes in TRAININGS:
        starts = today - timedelta(days=ago)
        training = trainings.save_training(
            officer,
            Training(
                mission=by,
                title=title,
                topic=topic,
                starts_on=starts,
                ends_on=starts + timedelta(days=length - 1),
                location=site,
                venue="Конференц-зал, ул. Мясникова, 39, Минск",
                trainers=trainers,
                max_score=top,
                project=project,
                language="ru",
            ),
        )
        # Mostly people not trained yet (the target counts staff trained), a few return.
        pool = [p for code in codes for p in staff[code]]
        fresh = [p for p in pool if p.pk not in taken]
        chosen = rng.sample(fresh, min(len(fresh), 15)) + rng.sample(pool, 3)
        chosen = list(dict.fromkeys(chosen))
        taken.update(p.pk for p in chosen)
        trainings.enrol(officer, training, chosen)
        for d in range(length):
            present = [p for p in chosen if rng.random() < 0.93] or chosen
            trainings.record_day(officer, training, day=starts + timedelta(days=d), present=present)
        scores = {}
        for p in chosen:
            pre = _score(rng, top, 0.55)
            post = max(pre, _score(rng, top, 0.8)) if rng.random() < 0.9 else pre
            scores[p.pk] = (pre, post if rng.random() < 0.95 else None)
        trainings.record_scores(officer, training, scores)


def _council(officer, by, site, project, agencies, today):
    first_day = _first_meeting_day(today)
    body = council.save_council(
        officer,
        Council(mission=by, name=COUNCIL, location=site.parent.parent, project=project),
    )
    members = []
    for name, organisation, position, role in MEMBERS:
        agency = agencies.get(organisation)
        members.append(
            council.save_member(
                officer,
                Member(
                    council=body,
                    name=name,
                    agency=agency,
                    organisation=agency.name if agency else organisation,
                    position=position,
                    role=role,
                    from_date=first_day - timedelta(days=14),
                ),
            )
        )
    second_day = min(max(first_day + timedelta(days=30), today - timedelta(days=20)), today)
    meetings = {
        1: council.record_meeting(
            officer,
            body,
            held_on=first_day,
            venue="Министерство здравоохранения, ул. Мясникова, 39, Минск",
            agenda=FIRST_AGENDA,
            present=members,
            minutes="Члены совета обсудили международную и региональную практику программ "
            "здравоохранения и наметили план мероприятий проекта. Открывая заседание, "
            "заместитель Министра здравоохранения и глава Представительства МОМ подчеркнули "
            "необходимость комплексного межведомственного подхода к оказанию медицинской "
            "помощи мигрантам.",
        ),
        2: council.record_meeting(
            officer,
            body,
            held_on=second_day,
            venue="Представительство МОМ, Минск",
            agenda=SECOND_AGENDA,
            present=[m for i, m in enumerate(members) if i not in (5, 9)],
        ),
    }
    decisions = {
        n: [council.record_decision(officer, meetings[n], text=t) for t in texts]
        for n, texts in DECISIONS.items()
    }
    for number, decision, text, owner, due, status, done, note in ITEMS:
        meeting = meetings[number]
        held = meeting.held_on
        item = council.add_action_item(
            officer,
            meeting,
            text=text,
            due_on=held + timedelta(days=due),
            owner_member=None if owner == "officer" else members[owner],
            owner_user=officer if owner == "officer" else None,
            decision=decisions[number][decision],
        )
        if status != "open":
            council.update_action_item(
                officer,
                item,
                status=status,
                completed_on=min(held + timedelta(days=done), today) if done else None,
                note=note,
            )


def _legislation(officer, by, agencies, today):
    start = today - timedelta(days=80)
    instruments = [
        legislation.save_instrument(
            officer,
            Instrument(
                mission=by,
                title=title,
                kind=kind,
                jurisdiction=jurisdiction,
                number=number,
                adopted_on=adopted,
                link=link,
            ),
        )
        for title, kind, jurisdiction, number, adopted, link in INSTRUMENTS
    ]
    for n, (index, topic, text, recommendations) in enumerate(FINDINGS):
        finding = legislation.add_finding(officer, instruments[index], topic=topic, text=text)
        for words, agency, priority, steps in recommendations:
            on = start + timedelta(days=3 * n)
            recommendation = legislation.add_recommendation(
                officer,
                finding,
                text=words,
                addressed_to=agencies[agency],
                priority=priority,
                on=on,
            )
            for step in steps:
                on = min(on + timedelta(days=18), today)
                legislation.move_recommendation(
                    officer,
                    recommendation,
                    status=step,
                    on=on,
                    note="Отклонено: вопрос регулируется ведомственными актами."
                    if step == "rejected"
                    else "",
                )
