import pytest

from crm_suite.engine.categories import CategoryCycle, ancestors, label, root, roots

TREE = {"Delivery": None, "Late parcel": "Delivery", "Lost parcel": "Delivery", "Abroad": "Late parcel"}


def test_ancestors_and_root():
	assert ancestors("Abroad", TREE) == ["Late parcel", "Delivery"]
	assert root("Abroad", TREE) == "Delivery"
	assert root("Delivery", TREE) == "Delivery"
	assert label("Abroad", TREE) == "Delivery > Late parcel > Abroad"
	# an unknown parent (deleted category) ends the chain instead of failing
	assert root("Orphan", {"Orphan": "Gone"}) == "Gone"


def test_cycles_are_refused_with_their_path():
	cyclic = {**TREE, "Delivery": "Abroad"}
	with pytest.raises(CategoryCycle) as err:
		ancestors("Delivery", cyclic)
	assert err.value.path == ["Delivery", "Abroad", "Late parcel", "Delivery"]
	with pytest.raises(CategoryCycle):
		ancestors("Self", {"Self": "Self"})
	assert roots(cyclic)["Lost parcel"] == "Lost parcel"
	assert roots(TREE) == {
		"Delivery": "Delivery",
		"Late parcel": "Delivery",
		"Lost parcel": "Delivery",
		"Abroad": "Delivery",
	}
