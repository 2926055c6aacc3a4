"""Recognizers for the registry in config.yaml. Importing them lets Presidio find them by class name."""

from guardrails.pii.recognizers.date_of_birth import DateOfBirthRecognizer
from guardrails.pii.recognizers.email import OfflineEmailRecognizer
from guardrails.pii.recognizers.first_name import FirstNameRecognizer
from guardrails.pii.recognizers.learned_name import LearnedNameRecognizer
from guardrails.pii.recognizers.name_cue import NameCueRecognizer
from guardrails.pii.recognizers.nino import LenientNinoRecognizer
from guardrails.pii.recognizers.phone import UkPhoneRecognizer
from guardrails.pii.recognizers.street_address import StreetAddressRecognizer

__all__ = [
    "DateOfBirthRecognizer",
    "FirstNameRecognizer",
    "LearnedNameRecognizer",
    "LenientNinoRecognizer",
    "NameCueRecognizer",
    "OfflineEmailRecognizer",
    "StreetAddressRecognizer",
    "UkPhoneRecognizer",
]
