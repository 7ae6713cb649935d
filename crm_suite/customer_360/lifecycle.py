"""Lifecycle stages: invoice and order events replay the customer history through the engine."""


def on_customer_insert(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def on_invoice_submit(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def on_invoice_cancel(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def on_order_submit(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands


def on_order_cancel(doc, method=None):
	pass  # TODO(issue 3): placeholder until this area lands
