"""The data set as clients send it: what load tests and examples post to the API."""

from shared_model import SCHEMA
from shared_model.data import complete_requests, first_of_each_species, load_penguins


def test_complete_requests_are_every_complete_row_as_a_json_body():
    requests = complete_requests()
    assert len(requests) == len(load_penguins().dropna())
    assert all(list(r) == list(SCHEMA.names) for r in requests)
    assert all(value is not None for r in requests for value in r.values())
    assert all(type(r["body_mass_g"]) is float for r in requests)  # plain JSON, not numpy
    for _, penguin in first_of_each_species():
        assert penguin in requests
