"""Safety and scope routing: emergency, safeguarding, crisis, medical, out_of_scope and injection.

Public API:
    classify(text) -> SafetyVerdict(route, reason)
    classify_turn(text, previous=None, raw=None) -> SafetyVerdict
    signposting_for(route, area, language=None) -> str   (fixed, reviewed text from data/signposting.yaml,
        with its drafted translation first when there is one)
"""

from guardrails.safety.classifier import PRIORITY, SafetyVerdict, classify, classify_turn
from guardrails.safety.signposting import national_help, signposting_for

__all__ = ["PRIORITY", "SafetyVerdict", "classify", "classify_turn", "national_help", "signposting_for"]
