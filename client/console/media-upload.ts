/**
 * Photo upload in the console (README "Photos and video"): a file from the picker, dropped on the
 * compose area or pasted into the text opens a short form for its alt text (required), caption and
 * credit; "Upload and insert" sends the bytes to POST /api/media and puts the photo's Markdown
 * (`![alt](media:<id>)`) where the cursor was.
 */
import type { MediaObject } from '../../src/media/media.js';
import type { ErrorBody } from '../../src/schema.js';
import { byId } from '../lib/dom.js';

export interface MediaUploadHost {
  /** The signed-in editor's token; undefined when signed out. */
  token(): string | undefined;
  /** Puts `markdown` into the body at `position` (the cursor when the photo was chosen). */
  insert(markdown: string, position: number): void;
  /** The cursor position in the body now. */
  cursor(): number;
  /** Tells the preview about an uploaded photo. */
  uploaded(media: MediaObject): void;
}

export class MediaUpload {
  private readonly area = byId('compose-form', HTMLFormElement);
  private readonly body = byId('compose-body', HTMLTextAreaElement);
  private readonly input = byId('media-file', HTMLInputElement);
  private readonly details = byId('media-details', HTMLFieldSetElement);
  private readonly name = byId('media-name', HTMLSpanElement);
  private readonly alt = byId('media-alt', HTMLInputElement);
  private readonly caption = byId('media-caption', HTMLInputElement);
  private readonly credit = byId('media-credit', HTMLInputElement);
  private readonly error = byId('media-error', HTMLParagraphElement);
  private readonly status = byId('media-status', HTMLParagraphElement);
  private readonly insertButton = byId('media-insert', HTMLButtonElement);
  private readonly cancelButton = byId('media-cancel', HTMLButtonElement);
  private file: File | undefined;
  private position = 0;

  constructor(private readonly host: MediaUploadHost) {
    this.input.addEventListener('change', () => {
      const file = this.input.files?.[0];
      if (file) this.choose(file);
    });
    this.area.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    });
    this.area.addEventListener('drop', (event) => {
      const file = imageOf(event.dataTransfer?.files);
      if (!file) return;
      event.preventDefault();
      this.choose(file);
    });
    this.body.addEventListener('paste', (event) => {
      const file = imageOf(event.clipboardData?.files);
      if (!file) return;
      event.preventDefault();
      this.choose(file);
    });
    this.insertButton.addEventListener('click', () => void this.upload());
    this.cancelButton.addEventListener('click', () => this.close());
    this.alt.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        void this.upload();
      }
    });
  }

  private choose(file: File): void {
    this.file = file;
    this.position = this.host.cursor();
    this.name.textContent = file.name ? `“${file.name}”` : '';
    this.error.textContent = '';
    this.status.textContent = '';
    this.alt.removeAttribute('aria-invalid');
    this.details.hidden = false;
    this.alt.focus();
  }

  private close(): void {
    this.file = undefined;
    this.input.value = '';
    this.alt.value = '';
    this.caption.value = '';
    this.credit.value = '';
    this.details.hidden = true;
  }

  private async upload(): Promise<void> {
    const file = this.file;
    if (!file) return;
    const alt = this.alt.value.trim();
    if (!alt) {
      this.alt.setAttribute('aria-invalid', 'true');
      this.error.textContent = 'Describe the photo in its alt text: readers who cannot see it rely on it.';
      this.alt.focus();
      return;
    }
    const query = new URLSearchParams({ alt });
    if (this.caption.value.trim()) query.set('caption', this.caption.value.trim());
    if (this.credit.value.trim()) query.set('credit', this.credit.value.trim());
    this.error.textContent = '';
    this.status.textContent = 'Uploading the photo…';
    this.insertButton.disabled = true;
    try {
      const res = await fetch(`/api/media?${query.toString()}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.host.token() ?? ''}`,
          'content-type': file.type || 'application/octet-stream',
        },
        body: file,
      });
      const answer = (await res.json()) as { media?: MediaObject; error?: ErrorBody };
      if (!res.ok || !answer.media) {
        this.status.textContent = '';
        this.error.textContent = answer.error
          ? `The photo was not accepted (${answer.error.code}): ${answer.error.message}`
          : `The photo was not accepted (HTTP ${res.status}).`;
        return;
      }
      this.host.uploaded(answer.media);
      this.host.insert(answer.media.markdown, this.position);
      this.status.textContent = 'Photo inserted.';
      this.close();
    } catch {
      this.status.textContent = '';
      this.error.textContent = 'Could not reach the server: the photo was not uploaded. Try again.';
    } finally {
      this.insertButton.disabled = false;
    }
  }
}

function imageOf(files: FileList | undefined): File | undefined {
  return [...(files ?? [])].find((f) => f.type.startsWith('image/'));
}
