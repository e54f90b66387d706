"""Every English word list the language core uses, in one place.

Each list says what it is for and which module reads it; all are frozensets of the exact
forms compared (lower case unless the list is of capitalised name words). Plain data: no
imports, so any core module can read it.
"""

# --- Sentences and words (``text``) ---------------------------------------------------------------

# Abbreviations after which a full stop does not end a sentence (lower-case, without the dot).
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    no nos vol fig inc ltd co corp plc bros dept est approx vs etc al e.g i.e u.s u.k u.n
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    mt ft pp""".split()
)

# Dotted initials that are a place or an era ("Washington D.C.", "300 B.C."): a sentence may end
# after them, unlike after a person's initials.
PLACE_INITIALS = frozenset({"d.c", "a.d", "b.c"})

# Capitalised tails after which a glued dot is a domain or a file name, not a sentence end.
DOMAIN_TAILS = frozenset(
    """com net org gov edu info biz co uk
    pdf doc docx txt exe jpg jpeg png gif csv xls xlsx ppt pptx zip html htm mp3 mp4 avi""".split()
)

# Words too common to say what a text is about: left out of content words, term vectors and
# topics (``text``, ``group_features``, ``tag_topics``, ``entities``, ``faithfulness``).
STOPWORDS = frozenset(
    """a an and are as at be been but by for from had has have he her his i in into is it its
    of on or our she that the their them they this to was we were will with would said says
    after over about than then there these those who whom which what when where while not no
    new more most up out s just also could can may might being do does did so if how all any
    year years week day days one two""".split()
)

# --- Names of places, organisations and people (``tag_reconcile``) --------------------------------

# Tokens that may stand between the names of a list: "Niger, Burkina Faso and Mali".
LIST_WORDS = frozenset({",", "and", "&", "/", "or", ";", "as", "well"})

# Titles before a person's name ("Ms Traore"), lower case and without the dot.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"})

# Words that end (or open) the names of places and of organisations, in English news.
PLACE_WORDS = frozenset(
    """River Lake Mount Mountains Hills Point Island Islands Bay Valley Coast Peninsula Desert
    Sea Ocean Gulf Strait Canal Street Road Avenue Square Bridge Province Region District
    County Village Town City Harbour Harbor Airport Stadium Park Forest Falls""".split()
)

# "the capital Bamako", "the town of Anderamboukane": the name after one is a place.
PLACE_NOUNS = frozenset("capital town city village region province district".split())

# "residents of X", "an X resident": X is a place.
DWELLERS = frozenset("resident residents inhabitants".split())

# "Calder's mayor", "Calder's planning committee", "Calder councillors", "Calder pharmacists": a
# one-word name that owns a local body, or whose people these are, is a place.
LOCAL_BODIES = frozenset(
    """mayor council councillors planning residents people streets schools pharmacists
    shopkeepers businesses""".split()
)

# Words that open a place's name ("Lake Chad", "Port Lerma").
PLACE_HEADS = frozenset("River Lake Mount Cape Port Gulf Bay Isle Fort".split())

# Words that end an organisation's name ("Calder Rovers", "Central Bank"); ``tag`` reads it too.
ORGANISATION_WORDS = frozenset(
    """Company Corporation Corp Inc Ltd Plc Group Holdings Bank Authority Agency Ministry
    Department Council Commission Committee Institute University College School Hospital
    Party Union Association Federation League Club Foundation Trust Fund Court Police Army
    Navy Service Society Airlines Airways Press Times Post News Network Organisation
    Organization FC AFC Rovers Athletic Wanderers Rangers Albion Hotspur""".split()
)

# Words that open an organisation's name ("University of Bamako", "Bank of Mali").
ORGANISATION_HEADS = frozenset("University Bank Ministry Department Institute".split())

# "the ferry to Brennvik", "crossed to Brennvik", "flights from Ostby": a one-word name a
# journey goes to or from is a place.
JOURNEY_WORDS = frozenset(
    """ferry ferries flight flights train trains bus buses boat boats crossing crossed cross
    travel travels travelled traveled travelling traveling journey journeys trip trips route
    routes drive drove driven sail sailed sailing fly flew flown commute commuted
    commuting""".split()
)

# Roles written before a person's name ("board chair Torstein Dahl", "coach Ada Lind"): the
# name after one is a person's.
PERSON_ROLES = frozenset(
    """chair chairman chairwoman chairperson minister secretary director spokesman
    spokeswoman spokesperson mayor governor president premier chancellor manager coach
    captain striker midfielder defender goalkeeper executive analyst economist professor
    judge editor founder councillor nurse doctor pharmacist headteacher headmaster principal
    actor actress singer author""".split()
)

# The last word of a street's name: "Brookfield Pharmacy on Station Road" is a pharmacy and,
# apart, the street it stands on.
STREET_WORDS = frozenset(
    "Street Road Avenue Square Lane Row Place Way Terrace Crescent Drive Quay".split()
)

# --- Topics (``tag_topics``) ----------------------------------------------------------------------

# Nouns every news story uses: as a topic they say nothing about this one.
GENERIC_NOUNS = frozenset(
    """official officials people person man men woman women year years time times week weeks
    day days month months statement spokesman spokeswoman spokesperson report reports news
    agency source sources minister president government country countries city part number
    way thing things lot percent per cent cent end side group members member today yesterday
    tomorrow morning afternoon evening night weekend told interview comment comments
    decision move plan company companies firm monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december director directors executive executives chairman chairwoman chief
    officer officers secretary deputy governor mayor adviser advisers analyst analysts expert
    experts scientist scientists researcher researchers""".split()
)

# Words that grade or count what follows ("further cuts", "fourth quarter"): a phrase opening
# with one says how much, not what about (with the JJR/JJS tags of ``tag_topics``).
DEGREE_WORDS = frozenset(
    """first second third fourth fifth sixth seventh eighth ninth tenth last next previous
    further other several many more most few less least new recent latest""".split()
)

# --- Language and case (``entities``) -------------------------------------------------------------

# Function words that are English and rarely anything else ("a", "in", "die", "was" and
# "will" are words of other languages too), and the commonest function words of the other
# languages news feeds most often carry (German, French, Spanish, Italian, Portuguese,
# Dutch) that are not English words (FOREIGN_FUNCTION_WORDS). A text is English unless the
# second outnumber the first.
ENGLISH_FUNCTION_WORDS = frozenset(
    """the of and to is for that with said has have are were by from at it its his her their
    they be been which would this but not who after about than""".split()
)

FOREIGN_FUNCTION_WORDS = frozenset(
    """der die das dass und ist hat haben nicht mit sich des auf für im dem ein eine einer zu
    von werden wird sind auch nach bei aus wie über le la les des du une est et dans pour
    pas sur au avec qui que ce se sont aux elle il ils ont été par el los las del y en por
    con una su al como más pero sus ya fue este di che è per della dei delle gli sono nel
    alla anche os da do das dos uma não em é het een van dat op te niet zijn voor met als er
    maar om""".split()
)

# Words the re-caser writes in lower case inside an all-caps run ("LEADERS MEET IN BAMAKO").
LOWER_CASE_IN_CAPS = frozenset(
    """a an the and or but nor of in on at to for from by with as into over after about
    than is are was were be been has have had will would not it its this that these those
    he she they we his her their our""".split()
)

# --- Quotations in briefs (``brief_compress``, ``brief_select``) ----------------------------------

# A quotation opening after one of these words is the sentence's own quote, not a new sentence:
# 'Locke said ‘I’d be over the moon’' keeps its speaker.
SPEECH_VERBS = frozenset(
    "said says told added asked wrote tweeted explained admitted insisted claimed declared "
    "stated warned revealed reported saying adding".split()
)

# Nor after one of these: the quotation is a phrase inside the sentence ('the "Baghdad Blogger"',
# 'called "Operation Dawn"').
INLINE_QUOTE_OPENERS = frozenset(
    "a an the of to in on at for with by from as and or but called named titled dubbed its his "
    "her their our".split()
)

# --- Surnames (``tag``) ---------------------------------------------------------------------------

# Words that open a surname ("de Vries", "van der Berg"; "al-Sisi" is one word): a name that
# starts with one may be a surname whatever kind the model read, so it may join a full name.
SURNAME_PARTICLES = frozenset(
    "de van von der den del della di da du dos das la le ter ten al el bin ibn".split()
)

# --- Faithfulness checks (``faithfulness``) -------------------------------------------------------

# Day and month names: checked like proper names, as a brief must not change a date.
CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)

# Words that negate a claim: a brief sentence must not add or drop one.
NEGATIONS = frozenset("not no never nobody nothing none neither nor cannot n't without".split())
