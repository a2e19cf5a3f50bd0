/** Русский: the reader page's interface strings. */
import type { Catalogue } from './en.js';

export const ru: Catalogue = {
  skipToContent: 'Перейти к содержанию',
  statusLive: 'В эфире',
  statusEnded: 'Эта онлайн-трансляция завершена.',
  keyEvents: 'Главное',
  updates: 'Обновления',
  noUpdates: 'Обновлений пока нет.',
  loadOlder: 'Загрузить более ранние обновления',
  olderPage: 'Более ранние обновления',
  newestPage: 'К последним обновлениям',
  pageNavigation: 'Другие обновления',
  pinned: 'Закреплено',
  keyEvent: 'Главное событие',
  updated: 'Изменено',
  byAuthor: 'Автор: {name}',
  copyLink: 'Копировать ссылку',
  linkCopied: 'Ссылка скопирована',
  linkInAddressBar: 'Ссылка в адресной строке',
  newUpdates: {
    one: '{n} новое обновление',
    few: '{n} новых обновления',
    many: '{n} новых обновлений',
    other: '{n} нового обновления',
  },
  connecting: 'Подключение…',
  connected: 'Подключено — новые обновления появляются автоматически',
  reconnecting: 'Переподключение…',
  offline: 'Нет сети — обновления возобновятся, когда связь вернётся',
  endedUpdatesStopped: 'Трансляция завершена; обновлений больше не будет',
  gone: 'Этой трансляции больше не существует; обновлений не будет',
  loadOlderFailed: 'Не удалось загрузить более ранние обновления.',
  loadOlderOffline:
    'Не удалось загрузить более ранние обновления — проверьте подключение и попробуйте снова.',
  serverRefused: 'Сервер отклонил запрос.',
  liveUpdatesAbout: 'Онлайн: {title}',
};
