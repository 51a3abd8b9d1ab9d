"""The five demo news sites: names, feeds, menus, boxes, labels and markup flavour.

Everything here is site chrome (navigation, "read also", "most read", cookie banner, footer):
text that a good extractor must leave out of the article body. Headlines are invented for
the demo; several deliberately mention Wagner, Haftar or Russia so that a page whose *body*
says nothing of the sort would falsely match if the chrome leaked into the extraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AFRICAN_COUNTRIES_FR = [
    "Afrique du Sud",
    "Algérie",
    "Angola",
    "Bénin",
    "Botswana",
    "Burkina Faso",
    "Burundi",
    "Cameroun",
    "Cap-Vert",
    "Centrafrique",
    "Comores",
    "Congo-Brazzaville",
    "RD Congo",
    "Côte d'Ivoire",
    "Djibouti",
    "Égypte",
    "Érythrée",
    "Eswatini",
    "Éthiopie",
    "Gabon",
    "Gambie",
    "Ghana",
    "Guinée",
    "Guinée-Bissau",
    "Guinée équatoriale",
    "Kenya",
    "Lesotho",
    "Liberia",
    "Libye",
    "Madagascar",
    "Malawi",
    "Mali",
    "Maroc",
    "Maurice",
    "Mauritanie",
    "Mozambique",
    "Namibie",
    "Niger",
    "Nigeria",
    "Ouganda",
    "Rwanda",
    "Sao Tomé-et-Principe",
    "Sénégal",
    "Seychelles",
    "Sierra Leone",
    "Somalie",
    "Soudan",
    "Soudan du Sud",
    "Tanzanie",
    "Tchad",
    "Togo",
    "Tunisie",
    "Zambie",
    "Zimbabwe",
]


@dataclass
class Site:
    """One demo site and its feed."""

    feed: str  # feed name in feeds.yaml
    name: str  # masthead
    lang: str
    base: str  # URL prefix of its pages
    feed_file: str
    feed_format: str  # "rss" or "atom"
    feed_title: str
    feed_description: str
    tags: list[str]
    skin: str  # markup flavour, see build.SKINS
    labels: dict[str, str]
    nav: list[str]
    submenu: list[str]
    languages: list[str]
    ticker: list[str]
    most_read: list[str]
    related: list[str]
    footer: dict[str, list[str]]
    cookie: str
    newsletter: str
    demo_note: str
    copyright: str
    comments_open: bool = True
    extra_head: list[str] = field(default_factory=list)

    @property
    def dir(self) -> str:
        return "rtl" if self.lang == "ar" else "ltr"


FR_LABELS = {
    "skip": "Aller au contenu principal",
    "menu": "Menu",
    "search": "Rechercher",
    "search_placeholder": "Rechercher un article, un pays, un sujet…",
    "live": "En continu",
    "home": "Accueil",
    "by": "Par",
    "published": "Publié le",
    "updated": "Modifié le",
    "share": "Partager",
    "read_also": "À lire aussi",
    "most_read": "Les plus lus",
    "related": "Sur le même sujet",
    "tags": "Mots-clés",
    "comments": "Commentaires",
    "comment_cta": "Réagir à cet article",
    "reply": "Répondre",
    "report": "Signaler",
    "newsletter": "Newsletter",
    "subscribe": "S'abonner",
    "email_placeholder": "Votre adresse e-mail",
    "accept": "Tout accepter",
    "refuse": "Continuer sans accepter",
    "settings": "Paramétrer les cookies",
    "follow": "Suivez-nous",
    "min_read": "min de lecture",
    "print": "Imprimer",
    "copy_link": "Copier le lien",
    "ad": "Publicité",
}

EN_LABELS = {
    "skip": "Skip to content",
    "menu": "Menu",
    "search": "Search",
    "search_placeholder": "Search Libya Herald…",
    "live": "Latest",
    "home": "Home",
    "by": "By",
    "published": "Published",
    "updated": "Updated",
    "share": "Share",
    "read_also": "Read also",
    "most_read": "Most read",
    "related": "Related stories",
    "tags": "Tags",
    "comments": "Comments",
    "comment_cta": "Leave a reply",
    "reply": "Reply",
    "report": "Report",
    "newsletter": "Newsletter",
    "subscribe": "Subscribe",
    "email_placeholder": "Your email address",
    "accept": "Accept all",
    "refuse": "Reject non-essential",
    "settings": "Cookie settings",
    "follow": "Follow us",
    "min_read": "min read",
    "print": "Print",
    "copy_link": "Copy link",
    "ad": "Advertisement",
}

AR_LABELS = {
    "skip": "انتقل إلى المحتوى",
    "menu": "القائمة",
    "search": "بحث",
    "search_placeholder": "ابحث في الجزيرة نت",
    "live": "عاجل",
    "home": "الرئيسية",
    "by": "بقلم",
    "published": "نشر في",
    "updated": "آخر تحديث",
    "share": "شارك",
    "read_also": "اقرأ أيضا",
    "most_read": "الأكثر قراءة",
    "related": "مواضيع ذات صلة",
    "tags": "الكلمات الدالة",
    "comments": "التعليقات",
    "comment_cta": "أضف تعليقك",
    "reply": "رد",
    "report": "إبلاغ",
    "newsletter": "النشرة البريدية",
    "subscribe": "اشترك",
    "email_placeholder": "بريدك الإلكتروني",
    "accept": "قبول الكل",
    "refuse": "رفض",
    "settings": "إعدادات ملفات تعريف الارتباط",
    "follow": "تابعونا",
    "min_read": "دقائق قراءة",
    "print": "طباعة",
    "copy_link": "نسخ الرابط",
    "ad": "إعلان",
}

FR_COOKIE = (
    "Avec votre accord, nous et nos 812 partenaires utilisons des cookies ou technologies "
    "similaires pour stocker et accéder à des informations personnelles comme votre visite sur "
    "ce site. Vous pouvez retirer votre consentement ou vous opposer aux traitements basés sur "
    "l'intérêt légitime à tout moment en cliquant sur « Paramétrer les cookies » en bas de page."
)

SITES: dict[str, Site] = {}


def _add(site: Site) -> None:
    SITES[site.feed] = site


_add(
    Site(
        feed="rfi-afrique",
        name="RFI",
        lang="fr",
        base="rfi",
        feed_file="rfi-afrique.xml",
        feed_format="rss",
        feed_title="RFI - Afrique",
        feed_description=(
            "Flux de démonstration watchdesk, mis en forme comme le fil Afrique de RFI. "
            "Seul l'article du 22 août 2023 est un texte réel de RFI ; les autres sont fictifs."
        ),
        tags=["afrique", "fr", "libye"],
        skin="rfi",
        labels=FR_LABELS,
        nav=[
            "Afrique",
            "France",
            "Monde",
            "Europe",
            "Amériques",
            "Asie-Pacifique",
            "Moyen-Orient",
            "Économie",
            "Sports",
            "Culture",
            "Environnement",
            "Science",
            "Podcasts",
            "Émissions",
            "Vidéos",
            "En direct",
        ],
        submenu=AFRICAN_COUNTRIES_FR,
        languages=[
            "Français",
            "English",
            "Español",
            "Português",
            "Brasil",
            "Kiswahili",
            "Hausa",
            "Mandenkan",
            "Fulfulde",
            "Русский",
            "Українська",
            "Română",
            "Tiếng Việt",
            "中文",
            "ខ្មែរ",
            "فارسی",
        ],
        ticker=[
            "Wagner en Libye : Haftar reçoit Moscou",
            "Niger : la junte annonce un nouveau calendrier de transition",
            "Guinée : Conakry rouvre sa frontière avec la Sierra Leone",
            "Cameroun : la saison des pluies perturbe le trafic sur la Nationale 3",
        ],
        most_read=[
            "Libye : l'Africa Corps russe s'installe à Benghazi",
            "Mali : ce que l'on sait des mercenaires de Wagner à Tombouctou",
            "Sahel : Moscou renforce son dispositif militaire au Burkina Faso",
            "Coupe d'Afrique des nations : le tirage au sort des éliminatoires",
            "Madagascar : la Jirama de nouveau face aux délestages",
        ],
        related=[
            "Libye : le maréchal Haftar en visite officielle à Moscou",
            "La Russie prépare-t-elle une base navale à Tobrouk ?",
            "Soudan : l'aide humanitaire bloquée à la frontière tchadienne",
            "Tchad : N'Djamena met fin à l'accord de défense avec Paris",
        ],
        footer={
            "RFI": [
                "Qui sommes-nous ?",
                "Nous contacter",
                "Fréquences",
                "Recrutement",
                "Presse",
                "Charte éthique",
                "Médiateur",
                "RFI Savoirs",
                "Français facile",
            ],
            "Rubriques": [
                "Afrique",
                "France",
                "Monde",
                "Économie",
                "Sports",
                "Culture",
                "Environnement",
                "Science",
                "Technologies",
                "Podcasts",
                "Grands reportages",
            ],
            "Services": [
                "Applications mobiles",
                "Newsletters",
                "Podcasts",
                "Flux RSS",
                "Écouter RFI en direct",
                "Grille des programmes",
            ],
            "Informations légales": [
                "Mentions légales",
                "Conditions d'utilisation",
                "Politique de confidentialité",
                "Gestion des cookies",
                "Accessibilité : partiellement conforme",
            ],
        },
        cookie=FR_COOKIE,
        newsletter="Recevez toute l'actualité internationale directement dans votre boite mail",
        demo_note=(
            "Page de démonstration watchdesk servie hors ligne : mise en page inspirée d'un site "
            "d'information, liens de navigation factices."
        ),
        copyright=(
            "Article du 22 août 2023 © RFI ; autres contenus : démonstration watchdesk, "
            "sans lien avec RFI."
        ),
        comments_open=False,
    )
)

_add(
    Site(
        feed="france24-afrique",
        name="France 24",
        lang="fr",
        base="france24",
        feed_file="france24-afrique.xml",
        feed_format="rss",
        feed_title="France 24 - Afrique",
        feed_description=(
            "Flux de démonstration watchdesk, mis en forme comme le fil Afrique de France 24. "
            "Articles rédigés pour la démonstration."
        ),
        tags=["afrique", "fr", "sahel"],
        skin="f24",
        labels=FR_LABELS,
        nav=[
            "France",
            "Afrique",
            "Moyen-Orient",
            "Europe",
            "Amériques",
            "Asie-Pacifique",
            "Éco/Tech",
            "Sports",
            "Culture",
            "Environnement",
            "Émissions",
            "Vidéos",
            "Reportages",
            "Les Observateurs",
            "Info en continu",
        ],
        submenu=[
            "Sahel",
            "Afrique du Nord",
            "Afrique de l'Ouest",
            "Afrique centrale",
            "Afrique de l'Est",
            "Afrique australe",
            "Le Journal de l'Afrique",
            "Focus",
            "Le Débat africain",
            "Éco d'ici éco d'ailleurs",
            "Les Dessous de l'infox",
        ],
        languages=["Français", "English", "Español", "العربية"],
        ticker=[
            "Direct : sommet de l'Alliance des États du Sahel à Niamey",
            "Le groupe Wagner quitte le Mali, Haftar et Moscou resserrent leurs liens",
            "Tchad : la saison des pluies menace les camps de réfugiés soudanais",
        ],
        most_read=[
            "Russie-Afrique : comment l'Africa Corps a remplacé Wagner",
            "Libye : Haftar, l'allié de Moscou qui tient l'Est",
            "Burkina Faso : le gouvernement de transition suspend plusieurs médias",
            "Football : le Maroc se qualifie pour la Coupe du monde 2026",
        ],
        related=[
            "Centrafrique : les paramilitaires russes toujours à Bangui",
            "Sahel : la Russie livre des drones et des blindés",
            "Sénégal : Dakar veut diversifier ses partenaires de défense",
            "Niger : à Niamey, les instructeurs russes de l'Africa Corps",
        ],
        footer={
            "France 24": [
                "À propos",
                "Nous contacter",
                "Comment nous regarder",
                "Nos journalistes",
                "Recrutement",
                "Charte de déontologie",
                "Médiateur",
            ],
            "Rubriques": [
                "France",
                "Afrique",
                "Moyen-Orient",
                "Europe",
                "Amériques",
                "Asie-Pacifique",
                "Éco/Tech",
                "Sports",
                "Culture",
                "Environnement",
                "Planète",
            ],
            "Services": [
                "Applications mobiles",
                "Newsletters",
                "Podcasts",
                "Flux RSS",
                "Alertes",
                "Replay",
                "Grille des programmes",
            ],
            "Légal": [
                "Mentions légales",
                "CGU",
                "Données personnelles",
                "Cookies",
                "Accessibilité",
            ],
        },
        cookie=FR_COOKIE.replace("812", "774"),
        newsletter="Restez informé en recevant chaque matin l'essentiel de l'actualité africaine",
        demo_note=(
            "Page de démonstration watchdesk : article fictif rédigé pour la démonstration, "
            "mise en page inspirée d'un site d'information."
        ),
        copyright="Démonstration watchdesk : contenus fictifs, sans lien avec France 24.",
    )
)

_add(
    Site(
        feed="libya-herald",
        name="Libya Herald",
        lang="en",
        base="libyaherald",
        feed_file="libya-herald.atom",
        feed_format="atom",
        feed_title="Libya Herald",
        feed_description=(
            "watchdesk demo feed styled after an English-language Libyan news site. "
            "Stories written for the demo."
        ),
        tags=["libye", "en"],
        skin="wp",
        labels=EN_LABELS,
        nav=[
            "Home",
            "Politics",
            "Security",
            "Business",
            "Oil & Gas",
            "Economy",
            "Society",
            "Health",
            "Education",
            "Culture",
            "Sport",
            "Opinion",
            "Interviews",
            "Tripoli",
            "Benghazi",
            "Misrata",
            "Sebha",
            "About us",
        ],
        submenu=[
            "Central Bank of Libya",
            "National Oil Corporation",
            "Elections",
            "UNSMIL",
            "Migration",
            "Derna",
            "Municipalities",
            "Courts",
            "Human Rights",
            "Aviation",
        ],
        languages=["English", "العربية"],
        ticker=[
            "Russian Africa Corps officers seen at Jufra airbase, sources say",
            "Haftar meets Moscow envoy in Benghazi",
            "CBL publishes foreign currency sales for the first quarter",
        ],
        most_read=[
            "Wagner's exit: what Africa Corps means for Haftar",
            "Russian cargo flights to Al-Khadim airbase double",
            "Tripoli traffic: new ring road section opens",
            "Libyan dinar steady on the parallel market",
            "Flights resume between Benghazi and Istanbul",
        ],
        related=[
            "Haftar receives Russian deputy defence minister Yevkurov",
            "Russian naval vessels dock at Tobruk",
            "UNSMIL briefs Security Council on foreign forces",
            "Sebha power station back on the grid",
        ],
        footer={
            "Sections": [
                "Politics",
                "Security",
                "Business",
                "Oil & Gas",
                "Economy",
                "Society",
                "Health",
                "Education",
                "Culture",
                "Sport",
                "Opinion",
            ],
            "Libya Herald": [
                "About us",
                "Contact",
                "Advertise",
                "Subscribe",
                "Editorial policy",
                "Corrections",
                "Careers",
            ],
            "Legal": ["Privacy policy", "Terms of use", "Cookie policy"],
        },
        cookie=(
            "We use cookies to give you the best experience on our website, to analyse traffic "
            "and to show you relevant advertising. By clicking “Accept all” you agree to the "
            "storing of cookies on your device. You can change your choice at any time from "
            "the Cookie settings link in the footer."
        ),
        newsletter="Get the Libya Herald morning briefing in your inbox, every weekday",
        demo_note=(
            "watchdesk demo page served offline: story written for the demo, layout modelled "
            "on a WordPress news site."
        ),
        copyright="watchdesk demo: fictional content, not affiliated with the Libya Herald.",
    )
)

_add(
    Site(
        feed="aljazeera-ar",
        name="الجزيرة نت",
        lang="ar",
        base="aljazeera",
        feed_file="aljazeera-ar.xml",
        feed_format="rss",
        feed_title="الجزيرة نت - أخبار",
        feed_description=(
            "خلاصة تجريبية لبرنامج watchdesk بتنسيق موقع إخباري عربي؛ المقالات مكتوبة لأغراض العرض."
        ),
        tags=["ar", "libye", "maghreb"],
        skin="aj",
        labels=AR_LABELS,
        nav=[
            "الرئيسية",
            "أخبار",
            "سياسة",
            "اقتصاد",
            "رياضة",
            "ثقافة",
            "علوم وتكنولوجيا",
            "صحة",
            "مدونات",
            "آراء",
            "تحقيقات",
            "بودكاست",
            "وثائقيات",
            "البث المباشر",
        ],
        submenu=[
            "ليبيا",
            "تونس",
            "الجزائر",
            "المغرب",
            "موريتانيا",
            "مصر",
            "السودان",
            "فلسطين",
            "سوريا",
            "العراق",
            "اليمن",
            "لبنان",
            "الخليج",
            "أفريقيا",
            "أوروبا",
        ],
        languages=["العربية", "English", "Bosanski", "Mubasher", "Documentary"],
        ticker=[
            "عاجل: حفتر يبحث مع موسكو توسيع التعاون العسكري",
            "الفيلق الأفريقي الروسي يعزز وجوده في قاعدة الجفرة",
            "ارتفاع أسعار النفط مع تراجع المخزونات الأميركية",
        ],
        most_read=[
            "ماذا يعني انسحاب فاغنر من مالي لليبيا؟",
            "روسيا تنقل معدات من سوريا إلى شرق ليبيا",
            "تونس: إضراب في قطاع النقل يشل الحركة في العاصمة",
            "المغرب يفتتح أكبر محطة لتحلية المياه في أفريقيا",
        ],
        related=[
            "حفتر في موسكو: ملفات التعاون العسكري والنفط",
            "قاعدة براك الشاطئ: تحركات روسية جديدة في الجنوب الليبي",
            "الجزائر تعلن موعد الانتخابات المحلية",
            "موريتانيا: اكتشاف حقل غاز جديد قبالة السواحل",
        ],
        footer={
            "الجزيرة": [
                "من نحن",
                "اتصل بنا",
                "الشروط والأحكام",
                "سياسة الخصوصية",
                "سياسة ملفات تعريف الارتباط",
                "القيم والمبادئ",
                "الوظائف",
            ],
            "الأقسام": [
                "أخبار",
                "سياسة",
                "اقتصاد",
                "رياضة",
                "ثقافة",
                "صحة",
                "علوم وتكنولوجيا",
                "آراء",
            ],
            "تابعونا": ["فيسبوك", "إكس", "يوتيوب", "إنستغرام", "تيليغرام", "واتساب", "آر إس إس"],
        },
        cookie=(
            "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا وتحليل حركة الزيارات وعرض "
            "محتوى مخصص. بالنقر على «قبول الكل» فإنك توافق على استخدامنا لهذه الملفات، ويمكنك "
            "تغيير اختياراتك في أي وقت من خلال إعدادات ملفات تعريف الارتباط أسفل الصفحة."
        ),
        newsletter="اشترك في النشرة البريدية لتصلك أهم الأخبار صباح كل يوم",
        demo_note=(
            "صفحة تجريبية لبرنامج watchdesk: مقال مكتوب لأغراض العرض وتصميم مستوحى من موقع إخباري."
        ),
        copyright="عرض تجريبي لبرنامج watchdesk: محتوى متخيل لا صلة له بشبكة الجزيرة.",
        comments_open=False,
    )
)

_add(
    Site(
        feed="culture",
        name="Scènes & Lettres",
        lang="fr",
        base="culture",
        feed_file="culture.atom",
        feed_format="atom",
        feed_title="Scènes & Lettres — Musique, opéra, expositions",
        feed_description=(
            "Flux de démonstration watchdesk : un magazine culturel fictif. Sert de contre-exemple "
            "(Richard Wagner, le compositeur)."
        ),
        tags=["culture", "fr"],
        skin="mag",
        labels=FR_LABELS,
        nav=[
            "Opéra",
            "Musique classique",
            "Jazz",
            "Théâtre",
            "Danse",
            "Expositions",
            "Photographie",
            "Livres",
            "Cinéma",
            "Festivals",
            "Agenda",
            "Critiques",
            "Entretiens",
            "Podcasts",
        ],
        submenu=[
            "Bayreuth",
            "Aix-en-Provence",
            "Salzbourg",
            "Avignon",
            "Arles",
            "Opéra de Paris",
            "Opéra de Lyon",
            "La Monnaie",
            "Glyndebourne",
            "Festival de Verbier",
        ],
        languages=["Français"],
        ticker=[
            "Opéra de Paris : la saison 2025-2026 dévoilée",
            "Disparition d'un grand baryton wagnérien",
        ],
        most_read=[
            "Les dix enregistrements du Ring à connaître",
            "Aix-en-Provence : une Flûte enchantée sous les étoiles",
            "Photographie : la relève africaine à l'honneur",
            "Comment réserver des places pour Bayreuth sans attendre dix ans",
        ],
        related=[
            "Lohengrin à Bastille : le cygne et la politique",
            "Parsifal, opéra de la compassion",
            "Salzbourg : un Don Giovanni crépusculaire",
            "Les festivals d'été face aux canicules",
        ],
        footer={
            "Le magazine": [
                "Qui sommes-nous ?",
                "L'équipe",
                "Nous écrire",
                "Annoncer",
                "S'abonner",
                "Offrir un abonnement",
                "Archives",
            ],
            "Rubriques": [
                "Opéra",
                "Musique classique",
                "Jazz",
                "Théâtre",
                "Danse",
                "Expositions",
                "Photographie",
                "Livres",
                "Cinéma",
                "Festivals",
            ],
            "Informations": [
                "Mentions légales",
                "Conditions générales de vente",
                "Confidentialité",
                "Cookies",
                "Plan du site",
            ],
        },
        cookie=FR_COOKIE.replace("812", "146"),
        newsletter="La lettre du jeudi : critiques, coups de cœur et agenda des festivals",
        demo_note=(
            "Page de démonstration watchdesk : magazine et articles fictifs rédigés pour la "
            "démonstration."
        ),
        copyright="© 2025 Scènes & Lettres — magazine fictif de démonstration",
    )
)
