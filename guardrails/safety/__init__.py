"""Safety and scope routing: emergency, safeguarding, crisis, medical, out_of_scope and injection.

Public API:
    classify(text) -> SafetyVerdict(route, reason)
    classify_turn(text, previous=None, raw=None) -> SafetyVerdict
    signposting_for(route, area) -> str   (fixed, reviewed text from data/signposting.yaml)
"""

from guardrails.safety.classifier import PRIORITY, SafetyVerdict, classify, classify_turn
from guardrails.safety.signposting import signposting_for

__all__ = ["PRIORITY", "SafetyVerdict", "classify", "classify_turn", "signposting_for"]
