const form = document.getElementById('op.logoutForm');
if (form) {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = 'logout';
  input.value = 'yes';
  form.appendChild(input);
  form.submit();
}
