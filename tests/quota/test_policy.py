"""The quota policy: defaults, the TOML file and the refusal of bad values."""

from __future__ import annotations

import pytest

from forecast.inputs.errors import InputError
from forecast.quota.policy import Policy, default_policy_path, load_policy, policy_from_mapping


def test_shipped_file_is_the_default_policy():
    assert load_policy(default_policy_path()) == Policy()


def test_file_overrides_only_the_keys_it_sets(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[ceiling]\npercent_of_labour_force = 0.5\n[sectors]\nprotected = ["O"]\n'
                    'priority = { Q = 1.5 }\n[regions]\ncaps = { "KZ-75" = 1000 }\n')
    policy = load_policy(path)
    assert policy.cap_percent_of_labour_force == 0.5
    assert policy.protected_sectors == ("O",)
    assert policy.weight_of("Q") == 1.5 and policy.weight_of("F") == 1.0
    assert policy.region_caps == {"KZ-75": 1000}
    assert policy.domestic_share == Policy().domestic_share


@pytest.mark.parametrize("text, words", [
    ("colour = 1\n", ["unknown key 'colour'"]),
    ("[ceiling]\npercent = 1\n", ["ceiling.percent", "percent_of_labour_force"]),
    ("[ceiling]\npercent_of_labour_force = -1\n", ["cap_percent_of_labour_force", "-1"]),
    ("[risk]\nplanning_quantile = 0.99\n", ["planning_quantile", "0.99", "0.05 to 0.95"]),
    ("[domestic]\ndomestic_share = 1.5\n", ["domestic_share", "1.5"]),
    ('[sectors]\nprotected = ["Z"]\n', ["protected_sectors", "Z"]),
    ('[regions]\ncaps = { "Mars" = 5 }\n', ["region_caps", "Mars"]),
    ('[regions]\nfloors = { "KZ-75" = 10 }\ncaps = { "KZ-75" = 5 }\n', ["floor <= cap"]),
    ('[category_split]\nhigh = { "1" = 0.5 }\nmedium = { "4" = 1.0 }\nlow = { "seasonal" = 1.0 }\n',
     ["category_split['high']", "adding up to 1"]),
    ('[fee_multiplier]\n"severe shortage" = 2\nshortage = 1\nbalance = 1\nsurplus = 1\n',
     ["fee_multiplier", "do not fall"]),
    ("[sectors]\npriority = { F = 0 }\n", ["priority['F']", "positive"]),
    ('[sectors]\nprotected = "O"\n', ["sectors.protected", "list"]),
])
def test_bad_values_are_refused_with_file_key_and_expectation(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_missing_and_malformed_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_policy(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[ceiling\n")
    with pytest.raises(InputError, match="not a valid TOML"):
        load_policy(broken)


def test_policy_is_frozen_and_round_trips_through_its_dict():
    policy = Policy(protected_sectors=["U", "O"], priority={"Q": 2})
    with pytest.raises(AttributeError):
        policy.domestic_share = 0.1  # type: ignore[misc]
    assert policy.protected_sectors == ("O", "U")
    assert Policy(**policy.to_dict()) == policy
    assert policy_from_mapping({}) == Policy()
