"""Reference adapter for a SOAP 1.1 ERP ("Woonstee ERP", a fictional vendor): vacancies and leases in,
allocations out. zeep makes the calls; lxml iterparse decodes the large responses. The simulated ERP
for the demo and tests is `adapters.soap_erp.simulator`; the WSDL and XSD ship in `wsdl/`."""

from adapters.soap_erp.adapter import CONTENT_TYPE, SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.decoding import EnvelopeReader
from adapters.soap_erp.mapping import NS
from adapters.soap_erp.soap import WSDL_PATH, XSD_PATH

__all__ = ["CONTENT_TYPE", "NS", "WSDL_PATH", "XSD_PATH", "EnvelopeReader", "SoapErpAdapter", "SoapErpConfig"]
