// The card top-up form. The card number goes from the provider's script (Stripe.js) straight to
// the provider; our server only sees a saved-card reference and answers in JSON.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var message = document.getElementById("card-message");
  var button = document.getElementById("pay-button");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var useSaved = document.getElementById("use-saved");
  var cardBox = document.getElementById("card-element");

  function show(text, state) {
    message.textContent = text || "";
    message.className = "card-message" + (state ? " " + state : "");
  }

  function newAttemptKey() {
    // A declined attempt is final for its key; the next try is a new payment.
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    form.attempt_key.value = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }

  function chosenAmount() {
    var chosen = form.querySelector("[name=amount]:checked");
    if (chosen && chosen.value !== "other") { return chosen.value; }
    return document.getElementById("amount-other").value;
  }

  function cents(text) {
    var match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*(?:€)?\s*$/.exec(text || "");
    if (!match) { return null; }
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "0") + "0").slice(0, 2), 10);
  }

  function euros(value) {
    return (value / 100).toFixed(2) + "\u00a0€";  // a no-break space, as money.format_money writes it
  }

  var other = document.getElementById("amount-other");
  other.addEventListener("input", function () {
    document.getElementById("amount-other-choice").checked = true;
    var amount = cents(other.value), live = document.getElementById("fee-live");
    if (amount === null) { live.textContent = ""; return; }
    var fee = Math.floor((amount * parseInt(form.dataset.feeBps, 10) + 5000) / 10000) + parseInt(form.dataset.feeFixedCents, 10);
    live.textContent = form.dataset.feeText.replace("{fee}", euros(fee)).replace("{total}", euros(amount + fee));
  });

  if (useSaved) {
    var toggle = function () { cardBox.hidden = useSaved.checked; };
    useSaved.addEventListener("change", toggle);
    toggle();
  }

  async function pay() {
    var body = {amount: chosenAmount(), attempt_key: form.attempt_key.value};
    if (!useSaved || !useSaved.checked) {
      var setup = await post(form.dataset.setupUrl, {});
      if (!setup.client_secret) { return setup; }
      var saved = await stripe.confirmCardSetup(setup.client_secret, {payment_method: {card: card}});
      if (saved.error) { return {status: "failed", message: saved.error.message}; }
      body.setup_intent = saved.setupIntent.id;
    }
    var answer = await post(form.dataset.payUrl, body);
    if (answer.status === "requires_action") {
      await stripe.confirmCardPayment(answer.client_secret);  // 3-D Secure with the bank
      answer = await post(form.dataset.payUrl, {attempt_key: body.attempt_key, finish: true});
    }
    return answer;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    show(form.dataset.working);
    pay().then(function (answer) {
      show(answer.message, answer.status);
      if (answer.status !== "succeeded") { newAttemptKey(); }
    }).catch(function () {
      show(form.dataset.networkError, "failed");
      newAttemptKey();
    }).then(function () { button.disabled = false; });
  });
})();
