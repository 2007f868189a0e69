"""POST /api/grade and /api/grade/batch through the whole app."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

SEED = {"expression": "c = a + b\nd = b + 1\ne = c * d", "values": {"a": 2, "b": 1}}
PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def grade(client: TestClient, answers: list[dict[str, Any]], **extra: Any) -> Any:
    response = client.post("/api/grade", json={**SEED, "answers": answers, **extra})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_gradescope_shape_with_symbolic_and_numeric_answers(client: TestClient) -> None:
    body = grade(
        client,
        [
            {"name": "de/dc", "wrt": "c", "answer": "d"},
            {"name": "de/dd", "wrt": "d", "answer": "c"},
            {"name": "dc/da", "of": "c", "wrt": "a", "answer": 1},
            {"name": "dd/db", "of": "d", "wrt": "b", "answer": "1"},
            {"name": "de/da", "wrt": "a", "answer": 2},
            {"name": "de/db", "wrt": "b", "answer": "c + d", "points": 2},
            {"name": "de/dc wrong", "wrt": "c", "answer": "2*b"},
        ],
    )
    assert set(body) == {"score", "max_score", "gradable", "tests"}
    assert (body["score"], body["max_score"], body["gradable"]) == (7.0, 8.0, True)
    for test in body["tests"]:
        assert {"name", "score", "max_score", "status", "output"} <= set(test)
    assert [t["status"] for t in body["tests"]] == ["passed"] * 6 + ["failed"]
    assert "2*b is not ∂e/∂c" in body["tests"][-1]["output"]


def test_an_unparsable_formula_is_200_and_not_gradable(client: TestClient) -> None:
    body = grade(client, [{"name": "x", "wrt": "b", "answer": "c + (d"}])
    test = body["tests"][0]
    assert body["gradable"] is False and test["gradable"] is False
    assert test["extra_data"]["line"] == 1 and test["extra_data"]["column"] == 7
    assert test["extra_data"]["snippet"].startswith("c + (d\n")


def test_reveal_false(client: TestClient) -> None:
    body = grade(client, [{"name": "x", "wrt": "b", "answer": 4}], reveal=False)
    assert "5" not in body["tests"][0]["output"]


def test_the_same_seed_gives_the_same_response(client: TestClient) -> None:
    answers = [{"name": "x", "wrt": "c", "answer": "2*b"}]
    assert grade(client, answers, seed=9) == grade(client, answers, seed=9)


def test_tolerances_come_from_the_request(client: TestClient) -> None:
    answers = [{"name": "x", "wrt": "b", "answer": 5.5}]
    assert grade(client, answers, rtol=0.1)["score"] == 1
    assert grade(client, answers, rtol=0.1, atol=0)["score"] == 1
    assert grade(client, answers, rtol=0.09, atol=0.04)["score"] == 0


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        ({"answers": [{"name": "x", "of": "q", "answer": 1}]}, "unknown-node"),
        ({"answers": [{"name": "x", "wrt": "zz", "answer": 1}]}, "unknown-node"),
        ({"answers": [{"name": "x", "of": "d", "wrt": "a", "answer": 1}]}, "not-upstream"),
        (
            {"answers": [{"name": "x", "answer": 1}, {"name": "x", "answer": 2}]},
            "duplicate-answer",
        ),
        ({"expression": "c = a +"}, "syntax"),
        ({"expression": "log(a - 2)"}, "domain"),
        ({"values": {"a": 2}}, "missing-values"),
        ({"samples": 101}, "validation"),
        ({"answers": []}, "validation"),
        ({"answers": [{"name": "x", "answer": 1}] * 101}, "validation"),
        ({"answers": [{"name": "x", "answer": 1, "points": -1}]}, "validation"),
        ({"rtol": -1}, "validation"),
        ({"reveal": "false"}, "validation"),
        ({"rtol": "0.1"}, "validation"),
    ],
)
def test_malformed_problems_and_questions_are_422(
    client: TestClient, change: dict[str, Any], slug: str
) -> None:
    body = {**SEED, "answers": [{"name": "x", "answer": 1}], **change}
    response = client.post("/api/grade", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"].endswith("/" + slug)
    assert problem["status"] == 422 and problem["detail"]


def batch(client: TestClient, submissions: list[dict[str, Any]], **problem: Any) -> Any:
    body = {"problem": {**SEED, **problem}, "submissions": submissions}
    return client.post("/api/grade/batch", json=body)


def test_batch_results_in_submission_order(client: TestClient) -> None:
    subs: list[dict[str, Any]] = [
        {"id": "ann", "answers": [{"name": "de/db", "wrt": "b", "answer": 5}]},
        {"id": 17, "answers": [{"name": "de/db", "wrt": "b", "answer": "2*b"}]},
        {"id": "cy", "answers": [{"name": "de/db", "wrt": "b", "answer": "c + d"}]},
    ]
    response = batch(client, subs)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["ann", 17, "cy"]
    assert [r["score"] for r in results] == [1, 0, 1]
    assert set(results[0]) == {"id", "score", "max_score", "gradable", "tests"}


def test_batch_matches_single_requests(client: TestClient) -> None:
    answers: list[dict[str, Any]] = [
        {"name": "x", "wrt": "c", "answer": "2*b"},
        {"name": "y", "wrt": "d", "answer": 3},
    ]
    one = batch(client, [{"id": "s", "answers": answers}], seed=4, reveal=False).json()
    single = grade(client, answers, seed=4, reveal=False)
    assert one["results"][0] == {"id": "s", **single}


def test_batch_errors_name_the_submission(client: TestClient) -> None:
    subs = [
        {"id": "ok", "answers": [{"name": "x", "answer": 6}]},
        {"id": "bad", "answers": [{"name": "x", "wrt": "nope", "answer": 1}]},
    ]
    response = batch(client, subs)
    assert response.status_code == 422
    assert response.json()["id"] == "bad" and response.json()["submission"] == 1


def test_batch_limits(client: TestClient) -> None:
    sub = {"id": "s", "answers": [{"name": "x", "answer": 6}]}
    assert batch(client, [sub] * 1000).status_code == 200
    assert batch(client, [sub] * 1001).status_code == 422
    assert batch(client, []).status_code == 422


def test_batch_builds_the_problem_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import chainrule.grading.problem as problem_module

    # Counted in this process: the batch is graded here, not in a pool process.
    client = TestClient(create_app(Settings(pool_processes=0)))

    calls: list[int] = []
    real = problem_module.gradients

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(problem_module, "gradients", counting)
    sub = {"id": "s", "answers": [{"name": "x", "wrt": "b", "answer": 5}]}
    assert batch(client, [sub] * 50, samples=0).status_code == 200
    assert len(calls) == 1


def test_format_gradescope_keeps_to_gradescopes_keys(client: TestClient) -> None:
    answers: list[dict[str, Any]] = [
        {"name": "de/dc", "wrt": "c", "answer": "d", "number": "1", "visibility": "hidden"},
        {"name": "de/db", "wrt": "b", "answer": "c + (d", "tags": ["t"]},
    ]
    body = grade(client, answers, format="gradescope", visibility="after_published")
    assert set(body) == {"score", "output", "output_format", "tests", "visibility", "extra_data"}
    assert body["visibility"] == "after_published" and body["score"] == 1.0
    first, second = body["tests"]
    assert (first["number"], first["visibility"], second["tags"]) == ("1", "hidden", ["t"])
    assert second["extra_data"]["error"]["column"] == 7
    assert "gradable" not in first and "gradable" not in body


def test_format_prairielearn_scores_a_fraction_and_keeps_gradable(client: TestClient) -> None:
    answers: list[dict[str, Any]] = [
        {"name": "de/dc", "wrt": "c", "answer": "d", "points": 3},
        {"name": "de/db", "wrt": "b", "answer": "c + (d"},
    ]
    body = grade(client, answers, format="prairielearn")
    assert (body["gradable"], body["score"]) == (True, 0.75)
    assert [(t["points"], t["max_points"]) for t in body["tests"]] == [(3.0, 3.0), (0.0, 1.0)]
    assert body["tests"][0]["description"] == "∂e/∂c"
    assert body["format_errors"] == [f"de/db: {body['tests'][1]['message']}"]


def test_a_tolerance_per_answer(client: TestClient) -> None:
    answers = [
        {"name": "strict", "wrt": "b", "answer": 5.001},
        {"name": "loose", "wrt": "b", "answer": 5.001, "rtol": 1e-3},
    ]
    body = grade(client, answers)
    assert [t["status"] for t in body["tests"]] == ["failed", "passed"]


def test_an_unknown_format_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/grade", json={**SEED, "format": "moodle", "answers": [{"name": "x", "answer": 6}]}
    )
    assert response.status_code == 422


def test_batch_results_in_a_platform_format(client: TestClient) -> None:
    body = {
        "problem": SEED,
        "format": "prairielearn",
        "submissions": [
            {"id": "alice", "answers": [{"name": "x", "wrt": "c", "answer": "d"}]},
            {"id": "bob", "answers": [{"name": "x", "wrt": "c", "answer": "3"}]},
        ],
    }
    response = client.post("/api/grade/batch", json=body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["id"], r["score"], r["gradable"]) for r in results] == [
        ("alice", 1.0, True),
        ("bob", 0.0, True),
    ]
    assert results[0]["tests"][0]["max_points"] == 1.0


@pytest.mark.parametrize("bad", [True, [1, 2], {"x": 1}, "a" * 2001, int("9" * 400)])
def test_a_malformed_answer_fails_its_own_question_only(client: TestClient, bad: Any) -> None:
    body = {
        "expression": "c = a + b\nd = b + 1\ne = c * d",
        "values": {"a": 2, "b": 1},
        "answers": [
            {"name": "bad", "wrt": "a", "answer": bad},
            {"name": "good", "wrt": "b", "answer": 5},
        ],
    }
    answer = client.post("/api/grade", json=body)
    assert answer.status_code == 200, answer.text
    tests = {t["name"]: t for t in answer.json()["tests"]}
    assert tests["bad"]["score"] == 0 and tests["bad"]["output"]
    assert tests["good"]["score"] == 1
