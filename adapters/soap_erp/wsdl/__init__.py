"""The Woonstee ERP's WSDL and XSD, shipped as package data (a package so that wheels include them)."""
