"""crm_suite's domain core: plain Python over plain data. Never imports frappe."""
