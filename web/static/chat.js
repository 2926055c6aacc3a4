// Progressive enhancement: send the form in the background and add the answer without reloading.
// Without JavaScript the same form posts and the page reloads with the whole conversation.
const form = document.getElementById('chat-form')
const transcript = document.getElementById('transcript')

if (form && transcript && window.fetch) {
  form.addEventListener('submit', async (event) => {
    const message = form.elements.message.value
    if (!message.trim()) return // let the server show the error summary
    event.preventDefault()
    const button = form.querySelector('button[type=submit]')
    button.disabled = true
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new FormData(form),
        headers: { 'X-Requested-With': 'chat.js' }
      })
      if (!response.ok || response.redirected) { form.submit(); return }
      const holder = document.createElement('div')
      holder.innerHTML = await response.text()
      const turn = holder.firstElementChild
      transcript.querySelectorAll('#latest').forEach((el) => el.removeAttribute('id'))
      turn.id = 'latest'
      turn.querySelector('h2').setAttribute('tabindex', '-1')
      transcript.appendChild(turn)
      // The reply's language goes back with the next message (the server keeps no memory of it).
      if (form.elements.language && turn.dataset.language) form.elements.language.value = turn.dataset.language
      form.elements.message.value = ''
      form.elements.message.dispatchEvent(new Event('input'))
      turn.querySelector('h2').focus()
    } catch (error) {
      form.submit()
    } finally {
      button.disabled = false
    }
  })
}
