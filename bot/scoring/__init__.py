"""Lead scoring: the BANT rubric from scoring.yml and the scores it gives.

Use::

    rubric = load_rubric(Path("scoring.yml"))
    score = score_lead(rubric, budget, authority, need, timeline)
    score.total, score.grade, score.route, score.weakest, score.to_dict(), str(score)
"""

from bot.scoring.rubric import CRITERIA, Criterion, Route, Rubric, Rule, load_rubric
from bot.scoring.score import CriterionScore, Score, score_lead

__all__ = [
    "CRITERIA",
    "Criterion",
    "CriterionScore",
    "Route",
    "Rubric",
    "Rule",
    "Score",
    "load_rubric",
    "score_lead",
]
