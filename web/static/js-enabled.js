// GOV.UK Frontend styles enhanced components only when JavaScript and ES modules are available.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
