# Kept for tooling that predates PEP 517/660 (older bench versions call `setup.py develop`).
from setuptools import find_packages, setup

from crm_suite import __version__ as version

setup(
	name="crm_suite",
	version=version,
	description="CRM, service desk and call centre on top of ERPNext",
	author="crm_suite developers",
	packages=find_packages(exclude=["tests", "tests.*", "browser_tests", "benchmarks"]),
	zip_safe=False,
	include_package_data=True,
)
