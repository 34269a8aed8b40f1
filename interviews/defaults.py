"""The defaults a new workspace starts with, drawn from the article (PRODUCT.md)."""

from django.utils.translation import gettext_lazy as _

from interviews.models import QuestionCategory as C

CANDIDATE_PREP = [
    _("Research the industry"),
    _("Research the organisation"),
    _("Research the person"),
    _("Set clear objectives"),
    _("Prepare questions"),
    _("Confirm the time, place or link"),
    _("Plan attire and arrive on time"),
    _("Prepare a short introduction of yourself"),
    _("Bring a way to take notes"),
]
RECRUITER_PREP = [
    _("Decide what the organisation needs to learn"),
    _("Keep the tone relaxed, not a formal interview"),
]

QUESTIONS = [
    (C.CAREER_PATH, _("How did you get started in this field?")),
    (C.CAREER_PATH, _("What would you do differently if you were starting out today?")),
    (C.CAREER_PATH, _("Which experiences best prepared you for your current role?")),
    (C.DAY_TO_DAY, _("What does a typical week look like for you?")),
    (C.DAY_TO_DAY, _("Which parts of your work do you enjoy most, and which least?")),
    (C.DAY_TO_DAY, _("Which skills do you use every day?")),
    (C.INDUSTRY_TRENDS, _("How is your industry changing, and what is driving it?")),
    (C.INDUSTRY_TRENDS, _("Which skills will matter most in this field in five years?")),
    (C.ORGANISATION, _("How would you describe the culture of your organisation?")),
    (C.ORGANISATION, _("How do people usually join and grow in your team?")),
    (C.ADVICE, _("What advice would you give someone who wants to enter this field?")),
    (C.ADVICE, _("Is there anything in my background I should strengthen?")),
    (C.PEOPLE_NEXT, _("Who else would you suggest I speak with?")),
    (C.PEOPLE_NEXT, _("May I mention your name when I contact them?")),
]
RECRUITER_QUESTIONS = [
    (C.MOTIVATION, _("What made you curious about our organisation?")),
    (C.MOTIVATION, _("What keeps you energised in your work?")),
    (C.ASPIRATIONS, _("Where would you like your career to be in three years?")),
    (C.ASPIRATIONS, _("What kind of role would be a step forward for you?")),
    (C.CULTURAL_FIT, _("In which team have you done your best work, and why?")),
    (C.CULTURAL_FIT, _("How do you like to give and receive feedback?")),
]


def prep_items(*, team: bool):
    return CANDIDATE_PREP + (RECRUITER_PREP if team else [])


def questions(*, team: bool):
    return QUESTIONS + (RECRUITER_QUESTIONS if team else [])
