function sendReminder(userId) {
  console.log('reminder for', userId);
}

function refresh(endpoint) {
  return fetch(endpoint);
}

function scheduleReminder(userId, minutes) {
  // ruleid: js-lang-timer-string-code
  setTimeout('sendReminder(' + userId + ')', minutes * 60000);
}

function poll(endpoint) {
  // ruleid: js-lang-timer-string-code
  window.setInterval(`refresh("${endpoint}")`, 5000);
}

function scheduleReminderSafely(userId, minutes) {
  // ok: js-lang-timer-string-code
  setTimeout(() => sendReminder(userId), minutes * 60000);
}

function pollSafely(endpoint) {
  // ok: js-lang-timer-string-code
  window.setInterval(refresh, 5000, endpoint);
}
