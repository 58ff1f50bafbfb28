from contract_tests import contract_test_class

TestHuurhuis = contract_test_class("huurhuis", fixtures_dir="fixtures")
