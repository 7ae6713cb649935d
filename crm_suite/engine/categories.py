"""The ticket category tree (Issue Type + parent link): cycles refused, roots for reporting."""

from __future__ import annotations

from collections.abc import Mapping


class CategoryCycle(ValueError):
	def __init__(self, path: list[str]):
		super().__init__(" > ".join(path))
		self.path = path


def ancestors(name: str, parent_of: Mapping[str, str | None]) -> list[str]:
	"""Parents of `name` from nearest to the root; raises CategoryCycle when a category is its own ancestor."""
	path = [name]
	seen = {name}
	current = parent_of.get(name)
	out: list[str] = []
	while current:
		if current in seen:
			raise CategoryCycle([*path, current])
		seen.add(current)
		path.append(current)
		out.append(current)
		current = parent_of.get(current)
	return out


def root(name: str, parent_of: Mapping[str, str | None]) -> str:
	chain = ancestors(name, parent_of)
	return chain[-1] if chain else name


def roots(parent_of: Mapping[str, str | None]) -> dict[str, str]:
	"""Every category's top-level category; categories caught in a cycle map to themselves."""
	out: dict[str, str] = {}
	for name in parent_of:
		try:
			out[name] = root(name, parent_of)
		except CategoryCycle:
			out[name] = name
	return out


def label(name: str, parent_of: Mapping[str, str | None], sep: str = " > ") -> str:
	"""'Delivery > Late parcel': the category with its ancestors, root first."""
	return sep.join([*reversed(ancestors(name, parent_of)), name])
