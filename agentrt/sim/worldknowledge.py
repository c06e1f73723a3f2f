"""Small tables of everyday world knowledge the simulated model uses to fill codes.

A parameter that asks for an IATA airport code takes ``LIS`` for "Lisbon"; one that
asks for an ISO 3166 country code takes ``DE`` for "Germany"; one that asks for an
ISO 4217 currency code takes ``JPY`` for "yen"; one that asks for a ticker symbol
takes ``AAPL`` for "Apple"; one that asks for an IANA time zone takes ``Asia/Tokyo``
for "Tokyo". These are the facts any traveller, shopper or investor
knows (the world's busiest airports, the countries and currencies, the largest
listed companies), not words of any one agent or test.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "AIRPORTS",
    "COUNTRIES",
    "CURRENCIES",
    "FILE_TYPES",
    "TICKERS",
    "TIMEZONES",
    "currency_mentions",
    "file_type_mentions",
    "is_code",
    "known_name",
    "lookup",
]


def _table(text: str) -> dict[str, str]:
    out = {}
    for entry in text.split(";"):
        if ":" in entry:
            names, code = entry.rsplit(":", 1)
            for name in names.split("|"):
                out[name.strip().lower()] = code.strip()
    return out


# city (or its usual spoken names) -> main airport's IATA code (city code where one is usual)
AIRPORTS = _table(
    "atlanta:ATL;beijing:PEK;dubai:DXB;los angeles|la:LAX;tokyo:HND;chicago:ORD;london:LHR;"
    "shanghai:PVG;paris:CDG;dallas:DFW;guangzhou:CAN;amsterdam:AMS;hong kong:HKG;seoul:ICN;"
    "frankfurt:FRA;denver:DEN;delhi|new delhi:DEL;singapore:SIN;bangkok:BKK;new york|nyc:JFK;"
    "kuala lumpur:KUL;san francisco:SFO;jakarta:CGK;madrid:MAD;las vegas:LAS;chengdu:CTU;"
    "seattle:SEA;barcelona:BCN;mumbai|bombay:BOM;toronto:YYZ;charlotte:CLT;orlando:MCO;"
    "miami:MIA;phoenix:PHX;sydney:SYD;istanbul:IST;houston:IAH;munich:MUC;rome:FCO;"
    "moscow:SVO;mexico city:MEX;newark:EWR;minneapolis:MSP;manila:MNL;doha:DOH;boston:BOS;"
    "detroit:DTW;philadelphia:PHL;melbourne:MEL;lisbon:LIS;zurich:ZRH;vienna:VIE;"
    "copenhagen:CPH;oslo:OSL;stockholm:ARN;helsinki:HEL;dublin:DUB;brussels:BRU;"
    "berlin:BER;hamburg:HAM;dusseldorf|düsseldorf:DUS;milan:MXP;venice:VCE;florence:FLR;"
    "naples:NAP;athens:ATH;prague:PRG;warsaw:WAW;budapest:BUD;geneva:GVA;manchester:MAN;"
    "edinburgh:EDI;glasgow:GLA;birmingham:BHX;nice:NCE;lyon:LYS;marseille:MRS;porto:OPO;"
    "malaga|málaga:AGP;palma:PMI;seville:SVQ;valencia:VLC;reykjavik:KEF;riga:RIX;"
    "vilnius:VNO;tallinn:TLL;bucharest:OTP;sofia:SOF;belgrade:BEG;zagreb:ZAG;kyiv|kiev:KBP;"
    "tel aviv:TLV;cairo:CAI;johannesburg:JNB;cape town:CPT;nairobi:NBO;lagos:LOS;"
    "casablanca:CMN;marrakech:RAK;addis ababa:ADD;abu dhabi:AUH;riyadh:RUH;jeddah:JED;"
    "karachi:KHI;bangalore|bengaluru:BLR;chennai:MAA;kolkata:CCU;hyderabad:HYD;"
    "colombo:CMB;kathmandu:KTM;dhaka:DAC;hanoi:HAN;ho chi minh city|saigon:SGN;"
    "taipei:TPE;osaka:KIX;nagoya:NGO;sapporo:CTS;busan:PUS;shenzhen:SZX;macau:MFM;"
    "bali|denpasar:DPS;phuket:HKT;auckland:AKL;wellington:WLG;brisbane:BNE;perth:PER;"
    "adelaide:ADL;honolulu:HNL;anchorage:ANC;vancouver:YVR;montreal:YUL;calgary:YYC;"
    "ottawa:YOW;washington|washington dc:IAD;baltimore:BWI;atlanta city:ATL;austin:AUS;"
    "san diego:SAN;san jose:SJC;portland:PDX;salt lake city:SLC;nashville:BNA;"
    "new orleans:MSY;st louis|st. louis:STL;kansas city:MCI;tampa:TPA;pittsburgh:PIT;"
    "cleveland:CLE;cincinnati:CVG;indianapolis:IND;columbus:CMH;raleigh:RDU;"
    "sao paulo|são paulo:GRU;rio de janeiro|rio:GIG;buenos aires:EZE;santiago:SCL;"
    "lima:LIM;bogota|bogotá:BOG;quito:UIO;caracas:CCS;panama city:PTY;havana:HAV;"
    "cancun|cancún:CUN;guadalajara:GDL;monterrey:MTY;san juan:SJU"
)

# country (and its usual names) -> ISO 3166-1 alpha-2
COUNTRIES = _table(
    "germany:DE;france:FR;united kingdom|uk|britain|great britain|england:GB;ireland:IE;"
    "spain:ES;portugal:PT;italy:IT;netherlands|holland:NL;belgium:BE;luxembourg:LU;"
    "switzerland:CH;austria:AT;denmark:DK;norway:NO;sweden:SE;finland:FI;iceland:IS;"
    "poland:PL;czechia|czech republic:CZ;slovakia:SK;hungary:HU;romania:RO;bulgaria:BG;"
    "greece:GR;croatia:HR;slovenia:SI;serbia:RS;ukraine:UA;russia:RU;turkey|türkiye:TR;"
    "estonia:EE;latvia:LV;lithuania:LT;united states|usa|us|america:US;canada:CA;"
    "mexico:MX;brazil:BR;argentina:AR;chile:CL;colombia:CO;peru:PE;japan:JP;china:CN;"
    "south korea|korea:KR;india:IN;pakistan:PK;bangladesh:BD;indonesia:ID;malaysia:MY;"
    "singapore:SG;thailand:TH;vietnam:VN;philippines:PH;australia:AU;new zealand:NZ;"
    "south africa:ZA;nigeria:NG;kenya:KE;egypt:EG;morocco:MA;israel:IL;"
    "saudi arabia:SA;united arab emirates|uae:AE;qatar:QA;taiwan:TW;hong kong:HK"
)

# currency names, symbols and countries' adjectives -> ISO 4217
CURRENCIES = _table(
    "euro|euros|€:EUR;us dollar|us dollars|dollar|dollars|usd|$|bucks:USD;"
    "pound|pounds|pound sterling|pounds sterling|sterling|£|quid:GBP;yen|¥|japanese yen:JPY;"
    "swiss franc|swiss francs|franc|francs:CHF;canadian dollar|canadian dollars:CAD;"
    "australian dollar|australian dollars:AUD;new zealand dollar|new zealand dollars:NZD;"
    "yuan|renminbi|rmb|chinese yuan:CNY;rupee|rupees|indian rupee|indian rupees|₹:INR;"
    "won|korean won:KRW;peso|pesos|mexican peso|mexican pesos:MXN;real|reais|brazilian real:BRL;"
    "krona|kronor|swedish krona:SEK;krone|kroner|norwegian krone:NOK;danish krone:DKK;"
    "zloty|złoty:PLN;forint:HUF;koruna|czech koruna:CZK;rand:ZAR;lira|turkish lira:TRY;"
    "ruble|rouble|rubles|roubles:RUB;hong kong dollar|hong kong dollars:HKD;"
    "singapore dollar|singapore dollars:SGD;dirham|dirhams:AED;riyal:SAR;shekel|shekels:ILS;"
    "baht:THB;ringgit:MYR;rupiah:IDR;bitcoin|btc:BTC"
)

# the largest listed companies -> ticker symbol
TICKERS = _table(
    "apple:AAPL;microsoft:MSFT;alphabet|google:GOOGL;amazon:AMZN;meta|facebook:META;"
    "nvidia:NVDA;tesla:TSLA;netflix:NFLX;berkshire hathaway:BRK.B;jpmorgan|jp morgan:JPM;"
    "visa:V;mastercard:MA;walmart:WMT;johnson & johnson:JNJ;procter & gamble:PG;"
    "exxon|exxonmobil|exxon mobil:XOM;chevron:CVX;coca-cola|coca cola|coke:KO;pepsico:PEP;"
    "intel:INTC;amd:AMD;ibm:IBM;oracle:ORCL;salesforce:CRM;adobe:ADBE;cisco:CSCO;"
    "qualcomm:QCOM;broadcom:AVGO;disney:DIS;nike:NKE;mcdonald's|mcdonalds:MCD;"
    "starbucks:SBUX;boeing:BA;uber:UBER;airbnb:ABNB;paypal:PYPL;spotify:SPOT;"
    "goldman sachs:GS;morgan stanley:MS;bank of america:BAC;pfizer:PFE;"
    "unitedhealth:UNH;home depot:HD;costco:COST;at&t:T;verizon:VZ;shopify:SHOP;"
    "palantir:PLTR;snowflake:SNOW;tsmc:TSM"
)

# a city or country -> its IANA time zone (the zone of its capital or largest city)
TIMEZONES = _table(
    "tokyo|japan:Asia/Tokyo;seoul|korea|south korea:Asia/Seoul;beijing|shanghai|china:"
    "Asia/Shanghai;hong kong:Asia/Hong_Kong;singapore:Asia/Singapore;taipei|taiwan:Asia/Taipei;"
    "bangkok|thailand:Asia/Bangkok;jakarta|indonesia:Asia/Jakarta;manila|philippines:"
    "Asia/Manila;delhi|new delhi|mumbai|bangalore|bengaluru|india:Asia/Kolkata;"
    "karachi|pakistan:Asia/Karachi;dubai|abu dhabi|uae:Asia/Dubai;riyadh|saudi arabia:"
    "Asia/Riyadh;tel aviv|jerusalem|israel:Asia/Jerusalem;istanbul|turkey:Europe/Istanbul;"
    "moscow|russia:Europe/Moscow;london|uk|united kingdom|england:Europe/London;dublin|"
    "ireland:Europe/Dublin;lisbon|portugal:Europe/Lisbon;madrid|barcelona|spain:Europe/Madrid;"
    "paris|france:Europe/Paris;brussels|belgium:Europe/Brussels;amsterdam|netherlands:"
    "Europe/Amsterdam;berlin|munich|frankfurt|hamburg|germany:Europe/Berlin;zurich|geneva|"
    "switzerland:Europe/Zurich;vienna|austria:Europe/Vienna;rome|milan|italy:Europe/Rome;"
    "prague|czechia:Europe/Prague;warsaw|poland:Europe/Warsaw;stockholm|sweden:"
    "Europe/Stockholm;oslo|norway:Europe/Oslo;copenhagen|denmark:Europe/Copenhagen;"
    "helsinki|finland:Europe/Helsinki;athens|greece:Europe/Athens;kyiv|kiev|ukraine:"
    "Europe/Kyiv;cairo|egypt:Africa/Cairo;lagos|nigeria:Africa/Lagos;nairobi|kenya:"
    "Africa/Nairobi;johannesburg|cape town|south africa:Africa/Johannesburg;"
    "new york|nyc|boston|washington|miami|atlanta|toronto:America/New_York;"
    "chicago|dallas|houston|austin:America/Chicago;denver|phoenix:America/Denver;"
    "los angeles|la|san francisco|seattle|vancouver|las vegas:America/Los_Angeles;"
    "mexico city|mexico:America/Mexico_City;sao paulo|são paulo|rio de janeiro|brazil:"
    "America/Sao_Paulo;buenos aires|argentina:America/Argentina/Buenos_Aires;lima|peru:"
    "America/Lima;bogota|bogotá|colombia:America/Bogota;santiago|chile:America/Santiago;"
    "sydney|melbourne:Australia/Sydney;perth:Australia/Perth;auckland|new zealand:"
    "Pacific/Auckland;honolulu|hawaii:Pacific/Honolulu;anchorage|alaska:America/Anchorage"
)

_KINDS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (re.compile(r"\biata\b|\bairport\b", re.I), AIRPORTS),
    (re.compile(r"iso[ -]?3166|country code|alpha-?2", re.I), COUNTRIES),
    (re.compile(r"iso[ -]?4217|currency code", re.I), CURRENCIES),
    (re.compile(r"\bticker\b|\bsymbol\b", re.I), TICKERS),
    (re.compile(r"\biana\b|time ?zone|\btz\b", re.I), TIMEZONES),
)


_KIND_CODES = tuple(frozenset(table.values()) for _, table in _KINDS)


def lookup(hint: str, value: str) -> str | None:
    """The code ``value`` (a place, country, currency or company name) has in the
    code system ``hint`` (a parameter's name and description) asks for, or None."""
    key = value.strip().lower()
    for pattern, table in _KINDS:
        if pattern.search(hint) and key in table:
            return table[key]
    return None


_CURRENCY_RE = re.compile(
    r"(?<![\w])("
    + "|".join(re.escape(k) for k in sorted(CURRENCIES, key=len, reverse=True) if len(k) > 2)
    + r")(?![\w])"
    # a symbol is written glued to its amount ("£1,500", "$20"), so no boundary after it
    + r"|(?<![\w])[$€£¥₹]",
    re.I,
)


# case-sensitive: "TRY" is the lira, "try" a verb
_CODE_RE = re.compile(r"(?<![\w])(" + "|".join(sorted(set(CURRENCIES.values()))) + r")(?![\w])")


@lru_cache(maxsize=256)
def currency_mentions(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, ISO 4217 code) of every currency ``text`` names by word or symbol."""
    # .get: re.I lets "ſ" match "s" ("dollarſ"), which .lower() keeps and no table holds
    found = ((m, CURRENCIES.get(m.group(0).lower())) for m in _CURRENCY_RE.finditer(text))
    out = {m.start(): (m.start(), m.end(), code) for m, code in found if code}
    for m in _CODE_RE.finditer(text):  # the code itself, in capitals: "300 EUR in USD"
        out.setdefault(m.start(), (m.start(), m.end(), m.group(0)))
    return tuple(sorted(out.values()))


def is_code(hint: str, value: str) -> bool:
    """Whether ``value`` is itself a code of the code system ``hint`` asks for ("NVDA" for
    a ticker symbol, "LIS" for an IATA code)."""
    return any(
        pattern.search(hint) and value in codes
        for (pattern, _), codes in zip(_KINDS, _KIND_CODES, strict=True)
    )


def known_name(word: str) -> bool:
    """Whether ``word`` is a place, country or company these tables know."""
    key = word.strip().lower()
    return key in AIRPORTS or key in COUNTRIES or key in TICKERS


# common file types, as people name them ("PDFs", "a CSV", "JPEG files") -> extension
FILE_TYPES = {
    "pdf": "pdf", "csv": "csv", "txt": "txt", "doc": "doc", "docx": "docx", "word": "docx",
    "xls": "xls", "xlsx": "xlsx", "excel": "xlsx", "ppt": "ppt", "pptx": "pptx",
    "powerpoint": "pptx",
    "jpg": "jpg", "jpeg": "jpg", "png": "png", "gif": "gif", "svg": "svg", "mp3": "mp3",
    "mp4": "mp4", "mov": "mov", "wav": "wav", "zip": "zip", "json": "json", "xml": "xml",
    "html": "html", "markdown": "md", "yaml": "yaml", "yml": "yml", "log": "log",
}  # fmt: skip
_FILE_TYPE_RE = re.compile(
    r"\b(" + "|".join(k for k in FILE_TYPES if k not in ("word", "log", "zip")) + r")s?\b"
    r"|\b(word|excel|log|zip)\s+files?\b",
    re.I,
)


def file_type_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, extension) of every file type ``text`` names ("PDFs", "Excel files")."""
    found = (
        (m, FILE_TYPES.get((m.group(1) or m.group(2)).lower()))
        for m in _FILE_TYPE_RE.finditer(text)
    )
    return [(m.start(), m.end(), ext) for m, ext in found if ext]
