"""Instructor-only checks for module 1: they vanish with solutions/ in the student edition."""

from fastapi.testclient import TestClient

from course.grading import CheckFailure, check


@check(
    id="predict-whole-dataset",
    points=2,
    exercise="4. Prediction",
    title="POST /predict agrees with the model across the whole data set",
    hint="Pass every field through unchanged: a renamed, dropped or re-scaled field changes "
    "some predictions even when the first few look right.",
    requires=["predict-species"],
    timeout=60,
)
def test_predict_whole_dataset(app_client: TestClient, served_model):
    from shared_model.data import as_request, load_penguins

    # Every fifth penguin: all three species and islands, in a few seconds.
    frame = load_penguins().dropna().iloc[::5]
    rows = [as_request(row) for _, row in frame.iterrows()]
    expected = [served_model.classes[p.argmax()] for p in served_model.predict_proba(rows)]
    wrong = [
        i
        for i, (row, species) in enumerate(zip(rows, expected, strict=True))
        if app_client.post("/predict", json=row).json().get("species") != species
    ]
    if wrong:
        raise CheckFailure(
            f"{len(wrong)} of {len(rows)} penguins get a different species from the API than "
            "from the model",
            expected=0,
            actual=len(wrong),
        )
