// Progressive enhancement for the comments: "Reply" opens the reply form inline, under the
// comment, instead of on a page of its own. Without this script every link and form still
// works. No inline script anywhere, so a strict Content-Security-Policy can forbid it.
(function () {
  "use strict";

  function openReply(link) {
    var template = document.getElementById("reply-form-template");
    var item = link.closest("li.comment");
    if (!template || !item || !("content" in template)) return false;
    var open = item.querySelector(":scope > .reply-form");
    if (open) {
      open.querySelector("textarea").focus();
      return true;
    }
    var form = template.content.firstElementChild.cloneNode(true);
    var id = "reply-body-" + link.dataset.replyTo;
    var textarea = form.querySelector("textarea");
    var label = form.querySelector("label");
    var help = form.querySelector(".helptext");
    form.action = link.href;
    textarea.id = id;
    label.htmlFor = id;
    // textContent, never innerHTML: the author's name is reader input.
    label.textContent = "Your reply to " + (link.dataset.author || "this comment");
    help.id = id + "-help";
    textarea.setAttribute("aria-describedby", help.id);

    function close() {
      form.remove();
      link.setAttribute("aria-expanded", "false");
      link.focus();
    }
    form.querySelector(".cancel-reply").addEventListener("click", close);
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
    });
    item.querySelector(":scope > .comment-card").after(form);
    link.setAttribute("aria-expanded", "true");
    textarea.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.reply-link");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    if (openReply(link)) event.preventDefault();
  });

  // One comment per click: a second click while the first post is on its way is ignored.
  // (Only comment forms: moderation forms send the name of the button that was pressed.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("comment-form")) return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
  });
})();
