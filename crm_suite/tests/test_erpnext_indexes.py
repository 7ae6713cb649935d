"""Indexes crm_suite adds to ERPNext's tables: present after install/migrate, gone after uninstall's drop.

The drop/recreate test runs DDL (implicit commits); it touches nothing but the indexes themselves."""

import frappe

from crm_suite.customer_360.view import DOCUMENT_SOURCES
from crm_suite.setup.install import (
	ERPNEXT_INDEXES,
	RETIRED_INDEXES,
	drop_indexes,
	index_columns,
	sync_indexes,
)
from crm_suite.tests import CRMSuiteTestCase


class TestERPNextIndexes(CRMSuiteTestCase):
	def test_indexes_present_after_install(self):
		for doctype, columns, name in ERPNEXT_INDEXES:
			self.assertEqual(index_columns(doctype, name), list(columns), f"{doctype}.{name}")

	def test_every_timeline_source_has_its_party_date_index(self):
		wanted = {(dt, tuple(cols)) for dt, cols, _name in ERPNEXT_INDEXES}
		for doctype, (party, date_field, *_rest) in DOCUMENT_SOURCES.items():
			self.assertIn((doctype, (party, date_field)), wanted, doctype)

	def test_drop_removes_them_and_sync_restores_them(self):
		try:
			drop_indexes()
			for doctype, _columns, name in ERPNEXT_INDEXES:
				self.assertEqual(index_columns(doctype, name), [], f"{doctype}.{name}")
		finally:
			sync_indexes()
		for doctype, columns, name in ERPNEXT_INDEXES:
			self.assertEqual(index_columns(doctype, name), list(columns), f"{doctype}.{name}")

	def test_sync_drops_retired_and_rebuilds_changed_indexes(self):
		doctype, retired = RETIRED_INDEXES[0]
		frappe.db.add_index(doctype, ["customer", "creation"], retired)
		changed_doctype, columns, changed = ERPNEXT_INDEXES[0]
		frappe.db.sql_ddl(f"ALTER TABLE `tab{changed_doctype}` DROP INDEX `{changed}`")
		frappe.db.add_index(changed_doctype, [columns[0]], changed)
		sync_indexes()
		self.assertEqual(index_columns(doctype, retired), [])
		self.assertEqual(index_columns(changed_doctype, changed), list(columns))
