// Loaded first in <body> (an external file, so the CSP needs no inline script): GOV.UK Frontend
// styles its enhanced components only when these classes are present.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
