"""The message templates: what each message says, in each language, and how each provider knows
it (the WhatsApp template name, India's DLT template id for SMS).

A text is a Jinja2 template rendered in the sandbox (``rendering``) with the message's
parameters as the message shows them (``Template.prepare``: a reason for not delivering in the
language's words, an instant as its local date) and the dairy's name as ``business``. Each
``{{ ... }}`` is one variable: in WhatsApp's registered template it is ``{{1}}``, ``{{2}}``... in
the order of ``parameters``; in the DLT registration it is ``{#var#}``, so the registered text
is derived from the text itself and cannot drift from what is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

LANGUAGES = ("en", "hi", "kn")
VARIABLE = re.compile(r"\{\{.*?\}\}")

NOT_DELIVERED_REASONS = {
    "en": {
        "customer_unavailable": "nobody was at home",
        "address_not_found": "the address could not be found",
        "refused": "the delivery was refused",
        "out_of_stock": "it was out of stock",
        "other": "of a problem on the route",
    },
    "hi": {
        "customer_unavailable": "घर पर कोई नहीं था",
        "address_not_found": "पता नहीं मिला",
        "refused": "डिलीवरी लेने से मना किया गया",
        "out_of_stock": "स्टॉक खत्म था",
        "other": "रास्ते में एक समस्या थी",
    },
    "kn": {
        "customer_unavailable": "ಮನೆಯಲ್ಲಿ ಯಾರೂ ಇರಲಿಲ್ಲ",
        "address_not_found": "ವಿಳಾಸ ಸಿಗಲಿಲ್ಲ",
        "refused": "ವಿತರಣೆಯನ್ನು ನಿರಾಕರಿಸಲಾಯಿತು",
        "out_of_stock": "ದಾಸ್ತಾನು ಖಾಲಿಯಾಗಿತ್ತು",
        "other": "ಮಾರ್ಗದಲ್ಲಿ ಸಮಸ್ಯೆ ಇತ್ತು",
    },
}


@dataclass(frozen=True)
class Template:
    name: str
    # WhatsApp's categories: "utility" (about an account or an order) or "marketing".
    category: str
    # Urgent messages go out in quiet hours too (a pause confirmed at 21:30, a link at 05:00).
    is_urgent: bool
    # The parameters a cause passes, in the order of WhatsApp's {{1}}, {{2}}...
    parameters: tuple[str, ...]
    texts: dict[str, str]
    subjects: dict[str, str]
    dlt_template_id: str
    # Words for coded parameters, per language ({"hi": {"refused": "..."}}), and which
    # parameters are coded; parameters that are instants, shown as the local date.
    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    coded: tuple[str, ...] = ()
    local_dates: tuple[str, ...] = ()
    # Parameters that must not outlive the send (a link's token): blanked once sent or dead.
    secret_parameters: tuple[str, ...] = ()

    @property
    def whatsapp_name(self) -> str:
        return f"milkrun_{self.name}"

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["en"]

    def subject(self, language: str) -> str:
        return self.subjects.get(language) or self.subjects["en"]

    def dlt_registered_text(self, language: str) -> str:
        """The text as registered on the DLT platform: every variable is ``{#var#}``."""
        return VARIABLE.sub("{#var#}", self.text(language))

    def prepare(self, language: str, params: dict[str, Any], zone: ZoneInfo) -> dict[str, str]:
        """The parameters as the message shows them: a coded value (a reason) in the language's
        words, an instant (``local_dates``) as its local date."""
        terms = self.terms.get(language) or self.terms.get("en", {})
        shown = {}
        for name, value in params.items():
            if name in self.local_dates and isinstance(value, str):
                local = dt.datetime.fromisoformat(value).astimezone(zone)
                shown[name] = f"{local:%d-%m-%Y}"
            else:
                shown[name] = (
                    terms.get(str(value), str(value)) if name in self.coded else str(value)
                )
        return shown

    def variables(self, shown: dict[str, str]) -> list[str]:
        """The values of WhatsApp's {{1}}, {{2}}... in order."""
        return [shown[p] for p in self.parameters]


REGISTRY: dict[str, Template] = {}


def _register(template: Template) -> None:
    assert set(template.texts) == set(LANGUAGES), template.name
    REGISTRY[template.name] = template


_register(
    Template(
        name="bill_finalized",
        category="utility",
        is_urgent=False,
        parameters=("number", "month", "amount", "due_date"),
        texts={
            "en": "{{ business }}: your bill {{ number }} for {{ month }} is Rs {{ amount }}, "
            "due by {{ due_date }}.",
            "hi": "{{ business }}: {{ month }} का आपका बिल {{ number }} Rs {{ amount }} है, "
            "{{ due_date }} तक देय।",
            "kn": "{{ business }}: {{ month }} ರ ನಿಮ್ಮ ಬಿಲ್ {{ number }} Rs {{ amount }}, "
            "{{ due_date }} ರೊಳಗೆ ಪಾವತಿಸಿ.",
        },
        subjects={"en": "Your bill", "hi": "आपका बिल", "kn": "ನಿಮ್ಮ ಬಿಲ್"},
        dlt_template_id="1107170000000000001",
    )
)
_register(
    Template(
        name="payment_received",
        category="utility",
        is_urgent=False,
        parameters=("amount", "method", "received_on"),
        local_dates=("received_on",),
        texts={
            "en": "{{ business }}: we received Rs {{ amount }} by {{ method }} on "
            "{{ received_on }}. Thank you.",
            "hi": "{{ business }}: {{ received_on }} को {{ method }} से Rs {{ amount }} प्राप्त "
            "हुए। धन्यवाद।",
            "kn": "{{ business }}: {{ received_on }} ರಂದು {{ method }} ಮೂಲಕ Rs {{ amount }} "
            "ಸ್ವೀಕರಿಸಲಾಗಿದೆ. ಧನ್ಯವಾದಗಳು.",
        },
        subjects={"en": "Payment received", "hi": "भुगतान प्राप्त", "kn": "ಪಾವತಿ ಸ್ವೀಕರಿಸಲಾಗಿದೆ"},
        dlt_template_id="1107170000000000002",
    )
)
_register(
    Template(
        name="pause_confirmed",
        category="utility",
        is_urgent=True,
        parameters=("start_date", "end_date"),
        texts={
            "en": "{{ business }}: your deliveries are paused from {{ start_date }} to "
            "{{ end_date }}.",
            "hi": "{{ business }}: आपकी डिलीवरी {{ start_date }} से {{ end_date }} तक रोकी गई है।",
            "kn": "{{ business }}: ನಿಮ್ಮ ವಿತರಣೆಯನ್ನು {{ start_date }} ರಿಂದ {{ end_date }} ರವರೆಗೆ ನಿಲ್ಲಿಸಲಾಗಿದೆ.",
        },
        subjects={"en": "Deliveries paused", "hi": "डिलीवरी रोकी गई", "kn": "ವಿತರಣೆ ನಿಲ್ಲಿಸಲಾಗಿದೆ"},
        dlt_template_id="1107170000000000003",
    )
)
_register(
    Template(
        name="pause_open_confirmed",
        category="utility",
        is_urgent=True,
        parameters=("start_date",),
        texts={
            "en": "{{ business }}: your deliveries are paused from {{ start_date }} until you "
            "resume them.",
            "hi": "{{ business }}: आपकी डिलीवरी {{ start_date }} से आपके दोबारा शुरू करने तक रोकी गई है।",
            "kn": "{{ business }}: ನೀವು ಮತ್ತೆ ಆರಂಭಿಸುವವರೆಗೆ ನಿಮ್ಮ ವಿತರಣೆಯನ್ನು {{ start_date }} ರಿಂದ ನಿಲ್ಲಿಸಲಾಗಿದೆ.",
        },
        subjects={"en": "Deliveries paused", "hi": "डिलीवरी रोकी गई", "kn": "ವಿತರಣೆ ನಿಲ್ಲಿಸಲಾಗಿದೆ"},
        dlt_template_id="1107170000000000004",
    )
)
_register(
    Template(
        name="pause_ended",
        category="utility",
        is_urgent=True,
        parameters=("start_date",),
        texts={
            "en": "{{ business }}: the pause from {{ start_date }} is cancelled; your "
            "deliveries go on as usual.",
            "hi": "{{ business }}: {{ start_date }} से लगी रोक हटा दी गई है; आपकी डिलीवरी "
            "पहले की तरह जारी रहेगी।",
            "kn": "{{ business }}: {{ start_date }} ರಿಂದದ ತಡೆ ರದ್ದಾಗಿದೆ; ನಿಮ್ಮ ವಿತರಣೆ ಎಂದಿನಂತೆ ಮುಂದುವರಿಯುತ್ತದೆ.",
        },
        subjects={"en": "Deliveries resumed", "hi": "डिलीवरी फिर शुरू", "kn": "ವಿತರಣೆ ಪುನರಾರಂಭ"},
        dlt_template_id="1107170000000000005",
    )
)
_register(
    Template(
        name="day_changed",
        category="utility",
        is_urgent=True,
        parameters=("delivery_date", "quantity"),
        texts={
            "en": "{{ business }}: on {{ delivery_date }} you will receive {{ quantity }} unit(s).",
            "hi": "{{ business }}: {{ delivery_date }} को आपको {{ quantity }} यूनिट मिलेंगे।",
            "kn": "{{ business }}: {{ delivery_date }} ರಂದು ನಿಮಗೆ {{ quantity }} ಯೂನಿಟ್ ಸಿಗುತ್ತದೆ.",
        },
        subjects={"en": "Your order changed", "hi": "आपका ऑर्डर बदला", "kn": "ನಿಮ್ಮ ಆರ್ಡರ್ ಬದಲಾಗಿದೆ"},
        dlt_template_id="1107170000000000006",
    )
)
_register(
    Template(
        name="day_restored",
        category="utility",
        is_urgent=True,
        parameters=("delivery_date",),
        texts={
            "en": "{{ business }}: on {{ delivery_date }} you will receive your usual order.",
            "hi": "{{ business }}: {{ delivery_date }} को आपको आपका सामान्य ऑर्डर मिलेगा।",
            "kn": "{{ business }}: {{ delivery_date }} ರಂದು ನಿಮಗೆ ಎಂದಿನ ಆರ್ಡರ್ ಸಿಗುತ್ತದೆ.",
        },
        subjects={"en": "Your order changed", "hi": "आपका ऑर्डर बदला", "kn": "ನಿಮ್ಮ ಆರ್ಡರ್ ಬದಲಾಗಿದೆ"},
        dlt_template_id="1107170000000000007",
    )
)
_register(
    Template(
        name="not_delivered",
        category="utility",
        is_urgent=True,
        parameters=("delivery_date", "reason"),
        texts={
            "en": "{{ business }}: your order for {{ delivery_date }} was not delivered because "
            "{{ reason }}. You will not be billed for it.",
            "hi": "{{ business }}: {{ delivery_date }} का आपका ऑर्डर नहीं पहुँचा क्योंकि "
            "{{ reason }}। इसका बिल नहीं बनेगा।",
            "kn": "{{ business }}: {{ delivery_date }} ರ ನಿಮ್ಮ ಆರ್ಡರ್ ತಲುಪಲಿಲ್ಲ, ಏಕೆಂದರೆ "
            "{{ reason }}. ಇದಕ್ಕೆ ಬಿಲ್ ಆಗುವುದಿಲ್ಲ.",
        },
        subjects={"en": "Not delivered", "hi": "डिलीवरी नहीं हुई", "kn": "ವಿತರಣೆ ಆಗಲಿಲ್ಲ"},
        dlt_template_id="1107170000000000008",
        terms=NOT_DELIVERED_REASONS,
        coded=("reason",),
    )
)
_register(
    Template(
        name="low_balance",
        category="utility",
        is_urgent=False,
        parameters=("balance", "threshold"),
        texts={
            "en": "{{ business }}: your wallet balance is Rs {{ balance }}, below "
            "Rs {{ threshold }}. Please top up to keep your deliveries going.",
            "hi": "{{ business }}: आपके वॉलेट में Rs {{ balance }} हैं, Rs {{ threshold }} से "
            "कम। डिलीवरी जारी रखने के लिए कृपया रिचार्ज करें।",
            "kn": "{{ business }}: ನಿಮ್ಮ ವಾಲೆಟ್ ಬಾಕಿ Rs {{ balance }}, Rs {{ threshold }} ಕ್ಕಿಂತ "
            "ಕಡಿಮೆ. ವಿತರಣೆ ಮುಂದುವರಿಯಲು ದಯವಿಟ್ಟು ಹಣ ತುಂಬಿಸಿ.",
        },
        subjects={"en": "Low balance", "hi": "कम बैलेंस", "kn": "ಕಡಿಮೆ ಬಾಕಿ"},
        dlt_template_id="1107170000000000009",
    )
)
_register(
    Template(
        name="dues_reminder",
        category="utility",
        is_urgent=False,
        parameters=("number", "amount", "due_date"),
        texts={
            "en": "{{ business }}: Rs {{ amount }} of bill {{ number }} was due on "
            "{{ due_date }} and is still unpaid. Please pay at your earliest.",
            "hi": "{{ business }}: बिल {{ number }} के Rs {{ amount }} {{ due_date }} को देय थे "
            "और अभी बाकी हैं। कृपया जल्द भुगतान करें।",
            "kn": "{{ business }}: ಬಿಲ್ {{ number }} ರ Rs {{ amount }} {{ due_date }} ರಂದು "
            "ಪಾವತಿಸಬೇಕಿತ್ತು, ಇನ್ನೂ ಬಾಕಿ ಇದೆ. ದಯವಿಟ್ಟು ಬೇಗ ಪಾವತಿಸಿ.",
        },
        subjects={"en": "Payment reminder", "hi": "भुगतान अनुस्मारक", "kn": "ಪಾವತಿ ಜ್ಞಾಪನೆ"},
        dlt_template_id="1107170000000000010",
    )
)
_register(
    Template(
        name="delivery_link",
        category="utility",
        is_urgent=True,
        parameters=("label", "delivery_date", "url"),
        texts={
            "en": "{{ business }}: {{ label }}, deliveries for {{ delivery_date }}: "
            "open {{ url }} to mark them.",
            "hi": "{{ business }}: {{ label }}, {{ delivery_date }} की डिलीवरी: दर्ज करने के "
            "लिए {{ url }} खोलें।",
            "kn": "{{ business }}: {{ label }}, {{ delivery_date }} ರ ವಿತರಣೆ: ದಾಖಲಿಸಲು "
            "{{ url }} ತೆರೆಯಿರಿ.",
        },
        subjects={"en": "Your deliveries", "hi": "आपकी डिलीवरी", "kn": "ನಿಮ್ಮ ವಿತರಣೆ"},
        dlt_template_id="1107170000000000011",
        secret_parameters=("url",),
    )
)

_register(
    Template(
        name="holiday",
        category="utility",
        is_urgent=False,
        parameters=("delivery_date", "reason"),
        texts={
            "en": "{{ business }}: there is no delivery on {{ delivery_date }} ({{ reason }}). "
            "Nothing is billed for that day; deliveries resume the day after.",
            "hi": "{{ business }}: {{ delivery_date }} को डिलीवरी नहीं होगी ({{ reason }})। "
            "उस दिन का कोई बिल नहीं बनेगा; अगले दिन से डिलीवरी फिर शुरू होगी।",
            "kn": "{{ business }}: {{ delivery_date }} ರಂದು ವಿತರಣೆ ಇಲ್ಲ ({{ reason }}). ಆ ದಿನಕ್ಕೆ "
            "ಯಾವುದೇ ಬಿಲ್ ಇಲ್ಲ; ಮರುದಿನದಿಂದ ವಿತರಣೆ ಮುಂದುವರಿಯುತ್ತದೆ.",
        },
        subjects={"en": "No delivery", "hi": "डिलीवरी नहीं", "kn": "ವಿತರಣೆ ಇಲ್ಲ"},
        dlt_template_id="1107170000000000012",
    )
)


# Sample parameters for the owner's preview of each template.
SAMPLES: dict[str, dict[str, str]] = {
    "bill_finalized": {
        "number": "MR/2627/000123",
        "month": "11-2026",
        "amount": "1860.00",
        "due_date": "10-12-2026",
    },
    "payment_received": {
        "amount": "1860.00",
        "method": "UPI",
        "received_on": "2026-12-05T04:30:00+00:00",
    },
    "pause_confirmed": {"start_date": "12-12-2026", "end_date": "15-12-2026"},
    "pause_open_confirmed": {"start_date": "12-12-2026"},
    "pause_ended": {"start_date": "12-12-2026"},
    "day_changed": {"delivery_date": "08-12-2026", "quantity": "2"},
    "day_restored": {"delivery_date": "08-12-2026"},
    "not_delivered": {"delivery_date": "07-12-2026", "reason": "customer_unavailable"},
    "holiday": {"delivery_date": "25-12-2026", "reason": "Christmas"},
    "low_balance": {"balance": "120.00", "threshold": "200.00"},
    "dues_reminder": {"number": "MR/2627/000123", "amount": "860.00", "due_date": "10-12-2026"},
    "delivery_link": {
        "label": "Ravi (substitute)",
        "delivery_date": "08-12-2026",
        "url": "https://dairy.example/l/sample-token",
    },
}
