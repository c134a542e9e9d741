"""Deploy: the built MDAPI package -> an org, through CumulusCI.

steps.py    the deploy order (which step sends which component, and why)
record.py   the per-org record of the last deployed build (a hash per component)
plan.py     what a deploy adds, changes and removes compared with that record
package.py  one MDAPI folder per step (package.xml, destructiveChanges.xml)
results.py  the org's DeployResult -> component failures, test failures, progress
hints.py    known platform errors -> fix hints and safe automatic remedies (hints.yaml)
runner.py   runs the steps in order with retries; knows nothing about CumulusCI
cci.py      the CumulusCI side: ApiDeploy/Deploy subclasses, the org adapter
tasks.py    the CumulusCI tasks cumulusci.yml names (class_path)

Only cci.py and tasks.py import cumulusci, and only the deploy commands import them.
"""
