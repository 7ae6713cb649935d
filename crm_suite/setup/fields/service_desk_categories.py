"""Custom fields that make ERPNext's flat Issue Type a category tree (see setup/custom_fields.py).

Issue Type stays the category every ERPNext screen, SLA and Assignment Rule already knows; a parent
link turns "Delivery > Late parcel" into a tree without a second category doctype. Reports group by
the top-level category through `crms_root_issue_type`, kept up to date on save (indexed).
"""


def get_fields() -> dict[str, list[dict]]:
	return {
		"Issue Type": [
			{
				"fieldname": "crms_category_section",
				"fieldtype": "Section Break",
				"label": "Category Tree",
				"insert_after": "description",
			},
			{
				"fieldname": "crms_parent_issue_type",
				"fieldtype": "Link",
				"options": "Issue Type",
				"label": "Parent Category",
				"insert_after": "crms_category_section",
				"search_index": 1,
				"in_list_view": 1,
				"in_standard_filter": 1,
				"description": "Empty for a top-level category.",
			},
			{
				"fieldname": "crms_root_issue_type",
				"fieldtype": "Link",
				"options": "Issue Type",
				"label": "Top-level Category",
				"insert_after": "crms_parent_issue_type",
				"read_only": 1,
				"search_index": 1,
			},
		]
	}
