"""The demo community as data: its place, its people, the jobs they post and the words they use.

Plain literals only; demo/seed.py is the engine that tells the story through the real services. Money is
written in yuan as the forms take it. Texts a person types come in each person's language ("zh_CN" or "en").
"""

from typing import NamedTuple

COMMUNITY = {
    "name": "阳光花园社区 Sunny Garden",
    "lat": 31.2304,
    "lon": 121.4737,
    "radius_km": 5.0,
    "language": "zh_CN",
}
ORGANIZER_PASSWORD = "demo-organizer-1"
PASSWORD = "demo-pass-1"


class Person(NamedTuple):
    username: str
    display_name: str
    kind: str  # organizer | resident | worker (verified) | pending (asked to work, not yet verified)
    language: str
    home: str  # address note of their flat
    categories: tuple[str, ...] = ()
    ratings: str = "good"  # how their work tends to be rated: good | mixed


PEOPLE = (
    Person("organizer", "居委会陈晓梅（管理员）", "organizer", "zh_CN", "1号楼物业办公室"),
    Person("wang_ayi", "3号楼王阿姨", "resident", "zh_CN", "3号楼1单元502"),
    Person("li_shushu", "7栋李叔叔", "resident", "zh_CN", "7栋2单元301"),
    Person("zhang_laoshi", "张老师", "resident", "zh_CN", "9号楼2单元1201"),
    Person("liu_nainai", "12号楼刘奶奶", "resident", "zh_CN", "12号楼1单元101"),
    Person("chen_mama", "朵朵妈妈", "resident", "zh_CN", "5栋2单元601"),
    Person("zhao_ge", "赵哥", "resident", "zh_CN", "15号楼3单元802"),
    Person("sun_xiaojie", "孙小姐", "resident", "zh_CN", "二期18栋1单元1503"),
    Person("huang_dama", "黄大妈（广场舞队）", "resident", "zh_CN", "2号楼2单元402"),
    Person("xu_xiansheng", "许先生", "resident", "zh_CN", "10号楼1单元702"),
    Person("lin_xiaoyu", "林晓雨", "resident", "zh_CN", "6号楼3单元302"),
    Person("emma_w", "Emma Wang 王艾玛", "resident", "en", "Bldg 5, Unit 1, Apt 1102"),
    Person("david_k", "David Kim", "resident", "en", "Bldg 11, Unit 2, Apt 1601"),
    Person("li_shifu", "李师傅（水电）", "worker", "zh_CN", "8号楼1单元201", ("plumbing", "appliance")),
    Person("zhou_shifu", "周师傅搬家", "worker", "zh_CN", "16号楼1单元102", ("moving", "furniture")),
    Person("xiao_ma", "跑腿小马", "worker", "zh_CN", "4号楼2单元503", ("parcel", "errands")),
    Person("wu_ayi", "吴阿姨（保洁）", "worker", "zh_CN", "13号楼1单元301", ("cleaning", "care")),
    Person("chen_xiaodi", "电脑小陈", "worker", "zh_CN", "9号楼1单元905", ("computer", "appliance")),
    Person("yang_jie", "杨姐（宠物寄养）", "worker", "zh_CN", "14号楼2单元602", ("pets", "care")),
    Person("gao_shifu", "高师傅 家电维修", "worker", "zh_CN", "17号楼1单元101", ("appliance", "plumbing")),
    Person("hu_jie", "胡姐（家政）", "worker", "zh_CN", "二期20栋2单元702", ("cleaning", "care", "pets")),
    Person("he_dage", "何大哥", "worker", "zh_CN", "3号楼2单元201", ("moving", "parcel", "errands", "other"), "mixed"),
    Person("qian_shifu", "钱师傅 木工", "worker", "zh_CN", "19号楼1单元402", ("furniture", "moving", "other")),
    Person("tom_z", "Tom Zhang（电脑/组装）", "worker", "en", "Bldg 6, Unit 1, Apt 801", ("computer", "furniture")),
    Person("sophie_l", "Sophie Li", "worker", "en", "Bldg 2, Unit 1, Apt 1203", ("pets", "errands", "parcel")),
    Person("ma_xiaoge", "马小哥", "pending", "zh_CN", "7栋1单元602", ("parcel", "errands")),
    Person("zheng_ayi", "郑阿姨", "pending", "zh_CN", "11号楼2单元401", ("cleaning", "care")),
)


class WorkerProfile(NamedTuple):
    bio: str
    rate: str | None  # hourly rate in yuan; None: quote per job
    radius_km: float
    area_label: str
    slots: tuple[str, ...]
    photos: tuple[str, ...] = ()  # captions of photos of past work


WEEKDAYS = ("weekdays_morning", "weekdays_afternoon", "weekdays_evening")
WEEKENDS = ("weekends_morning", "weekends_afternoon", "weekends_evening")
EVENINGS = ("weekdays_evening", "weekends_evening")
WORKER_PROFILES = {
    "li_shifu": WorkerProfile(
        "水电维修二十年，换龙头、修马桶、查电路跳闸都行，自带工具和常用配件。",
        "60",
        5,
        "8号楼附近",
        WEEKDAYS + WEEKENDS,
        ("换的新龙头", "厨房下水管"),
    ),
    "zhou_shifu": WorkerProfile(
        "搬家、搬大件、拆装家具，有小面包车，两个人一起上门。",
        None,
        8,
        "小区东门",
        WEEKENDS + ("weekdays_morning",),
        ("三人沙发上六楼",),
    ),
    "xiao_ma": WorkerProfile(
        "快递代取、超市代买、排队挂号都可以，随叫随到。", "25", 3, "4号楼快递柜旁", WEEKDAYS + WEEKENDS
    ),
    "wu_ayi": WorkerProfile(
        "日常保洁、开荒保洁，也能帮忙照看老人半天。做事细心。",
        "45",
        4,
        "13号楼一带",
        ("weekdays_morning", "weekdays_afternoon"),
        ("擦完的厨房灶台",),
    ),
    "chen_xiaodi": WorkerProfile(
        "电脑重装系统、清灰、路由器设置、手机导照片，老人家不会用的都可以问我。",
        "50",
        5,
        "9号楼",
        EVENINGS + ("weekends_afternoon",),
    ),
    "yang_jie": WorkerProfile(
        "养猫养狗十年，可上门喂猫、遛狗，也能短期寄养在我家。",
        "30",
        3,
        "14号楼花园",
        WEEKDAYS + WEEKENDS,
        ("寄养的两只猫", "遛狗路线"),
    ),
    "gao_shifu": WorkerProfile(
        "空调清洗、洗衣机、冰箱维修，持电工证。",
        None,
        10,
        "小区南门",
        ("weekdays_morning", "weekdays_afternoon", "weekends_morning"),
    ),
    "hu_jie": WorkerProfile("家政、照看孩子和宠物，有育婴师证。", "40", 4, "二期20栋", WEEKDAYS),
    "he_dage": WorkerProfile("力气活、跑腿、杂事都接，周末全天有空。", "35", 5, "3号楼", WEEKENDS + EVENINGS),
    "qian_shifu": WorkerProfile(
        "擅长家具组装、墙面修补，工具齐全。", "55", 6, "19号楼", WEEKENDS, ("组装的书柜", "补好的墙面", "定做的鞋架")
    ),
    "tom_z": WorkerProfile(
        "Computer set-up, Wi-Fi problems and flat-pack furniture. 中英文都可以。",
        "50",
        5,
        "Building 6",
        EVENINGS + WEEKENDS,
        ("IKEA wardrobe, assembled",),
    ),
    "sophie_l": WorkerProfile(
        "Dog walking, cat sitting and parcel runs around the compound.",
        "30",
        3,
        "Building 2 garden",
        ("weekdays_morning", "weekends_morning", "weekends_afternoon"),
    ),
    "ma_xiaoge": WorkerProfile("下班后可以帮忙取快递、跑腿。", "20", 2, "7栋", EVENINGS),
    "zheng_ayi": WorkerProfile("退休在家，可以做保洁、陪老人聊天。", "35", 2, "11号楼", WEEKDAYS),
}


class Template(NamedTuple):
    category: str
    title: str
    description: str
    price: str  # "150": fixed yuan; "45/h*3": hourly rate × estimated hours; "0": a free favour
    at: float  # local hour of day the window starts
    window_h: float  # how long the window stays open
    work_h: float = 1.0  # how long the work takes (hourly jobs: the estimated hours)
    weekday: int | None = None  # the title names a day (Monday=0 … Sunday=6): the window falls on it


T = Template
TEMPLATES = (
    # 搬家 moving
    T(
        "moving",
        "周六帮忙搬两个衣柜到5楼",
        "老房子没有电梯，两个实木衣柜要从1楼搬到5楼，需要两个人，大概1个多小时。楼道有点窄，最好带绑带。",
        "150",
        9,
        3,
        1.5,
        5,
    ),
    T(
        "moving",
        "搬一张双人床垫到隔壁小区",
        "1.8米的床垫，已经用膜包好了，从我家搬到隔壁幸福里小区，走路十分钟。有小推车更好。",
        "60",
        18,
        3,
    ),
    T(
        "moving",
        "旧沙发搬下楼放到回收点",
        "三人位布艺沙发，4楼有电梯，但沙发要竖着进。搬到小区西门大件垃圾回收点就行。",
        "80",
        10,
        4,
    ),
    T(
        "moving",
        "小搬家：单间搬到3号楼，约15个纸箱",
        "同小区换房子，东西都打包好了，大概15个纸箱，加一个书桌和一把电脑椅。需要有三轮车或者面包车。",
        "50/h*3",
        9,
        5,
    ),
    T(
        "moving",
        "Help moving boxes to the storage room",
        "About 10 boxes from my flat (2nd floor) down to the basement storage room of the same building. Should take "
        "less than an hour.",
        "50",
        14,
        4,
    ),
    T(
        "moving",
        "客厅钢琴挪到书房",
        "立式钢琴，从客厅挪到隔壁书房，同一层，需要三四个人一起抬，地板要注意别刮花。",
        "200",
        10,
        3,
    ),
    T(
        "moving",
        "周日帮忙搬几箱书到新家",
        "大概8箱书，新家就在马路对面的阳光花园二期，有电梯。箱子有点沉。",
        "100",
        15,
        3,
        2,
        6,
    ),
    # 代取快递 parcel
    T(
        "parcel",
        "代取快递：菜鸟驿站两件",
        "东门菜鸟驿站两个快递，一个小件，一箱矿泉水比较重，送到楼下就行，取件码私信发你。",
        "8",
        18,
        4,
        0.5,
    ),
    T(
        "parcel",
        "帮忙取一个生鲜快递，需要冷藏",
        "京东生鲜，下午到南门丰巢柜。我下班晚，麻烦取一下放到我家门口的保温箱里。",
        "10",
        14,
        5,
        0.5,
    ),
    T(
        "parcel",
        "上班时间帮忙签收一个大件",
        "买了个书架，快递员下午送货上门，家里没人，麻烦帮忙签收，放我家门口就行。",
        "15",
        13,
        5,
        0.5,
    ),
    T(
        "parcel",
        "Pick up a parcel from the south gate locker",
        "One medium box in the Hive Box locker at the south gate. Please leave it at my door, I'll send you the code.",
        "10",
        17,
        4,
        0.5,
    ),
    T(
        "parcel",
        "出差一周，帮忙代收快递",
        "这周大概有五六个快递陆续到驿站，麻烦隔一天去取一次，放我家门口鞋柜里。",
        "50",
        9,
        150,
        140,
    ),
    T(
        "parcel",
        "帮忙打包寄一箱特产到北京",
        "一箱老家带来的特产要寄给北京的亲戚，麻烦帮忙打包好，送到驿站寄顺丰，运费我另外转给你。",
        "20",
        10,
        6,
    ),
    # 宠物照看 pets
    T(
        "pets",
        "出门三天，帮忙上门喂猫",
        "两只猫，很乖不抓人。每天早晚各一次：换水、加粮、铲猫砂，陪玩十分钟。钥匙放在物业。",
        "120",
        8,
        72,
        70,
    ),
    T(
        "pets",
        "每天傍晚遛狗半小时（柯基）",
        "柯基豆豆，3岁，很友好。我脚扭了走不了远路，想找人每天傍晚6点左右遛半小时，连续一周。",
        "150",
        18,
        160,
        150,
    ),
    T(
        "pets",
        "周末帮忙照看一只仓鼠",
        "孩子的仓鼠，周末我们回老家，帮忙喂两天就好，笼子可以放你家。谢谢邻居！",
        "0",
        10,
        48,
        46,
        5,
    ),
    T(
        "pets",
        "Dog walking on two mornings",
        "Friendly golden retriever, 5 years old. Looking for someone to walk him for about 45 minutes on two weekday "
        "mornings.",
        "40/h*1.5",
        7,
        50,
    ),
    T(
        "pets",
        "带猫去宠物医院打疫苗",
        "猫咪要打第二针疫苗，医院在一公里外，我腿脚不方便，麻烦帮忙带过去再带回来，费用已经预付了。",
        "60",
        14,
        4,
        2,
    ),
    T("pets", "给泰迪洗个澡", "小泰迪，在家洗就行，沐浴露和吹风机都有。它有点怕吹风机，需要耐心一点。", "50", 15, 3),
    T("pets", "出差5天，帮忙喂鱼", "客厅一个鱼缸，隔一天喂一次，顺便看看过滤器是不是正常在转。", "0", 9, 120, 118),
    # 家电维修 appliance
    T(
        "appliance",
        "洗衣机脱水时响声很大",
        "滚筒洗衣机用了6年，最近脱水时咣咣响，怀疑是减震器坏了，麻烦上门看看能不能修。",
        "80",
        10,
        4,
        1.5,
    ),
    T(
        "appliance",
        "空调不制冷，需要检查一下",
        "挂机，开了半小时还是不凉，外机在转。可能缺氟，麻烦懂行的师傅上门看看，材料费另算。",
        "100",
        14,
        4,
        1.5,
    ),
    T("appliance", "油烟机拆洗，换滤网", "老式油烟机，油很多，需要拆开清洗，滤网我已经买好了。", "60/h*2", 9, 4),
    T(
        "appliance",
        "Microwave stopped heating",
        "The light and the turntable work but food doesn't get warm. Could you check whether it's worth repairing?",
        "60",
        19,
        3,
    ),
    T("appliance", "燃气热水器打不着火", "打开水龙头有咔咔的点火声，但就是不着火，电池已经换过了。", "80", 18, 3),
    T(
        "appliance",
        "冰箱冷藏室结冰还漏水",
        "冷藏室后壁结了一层冰，下面一直有水流出来，可能是排水孔堵了。",
        "80",
        10,
        5,
        1.5,
    ),
    # 水电维修 plumbing
    T(
        "plumbing",
        "厨房水龙头漏水，换个新的",
        "水龙头底座一直滴水，新龙头我已经买好了，麻烦师傅带工具来换一下。",
        "50",
        9,
        4,
    ),
    T("plumbing", "卫生间洗手盆下水堵了", "洗手盆下水很慢，用过管道疏通剂也没用，可能要拆开存水弯看看。", "80", 19, 3),
    T(
        "plumbing",
        "电视墙加装两个插座",
        "想在电视墙加两个五孔插座，从旁边的插座引线，需要开槽。材料师傅带，按实际报销。",
        "80/h*3",
        9,
        5,
    ),
    T(
        "plumbing",
        "Bathroom light keeps flickering",
        "The ceiling light in the bathroom flickers and sometimes won't turn on at all. The switch or the fitting?",
        "60",
        18,
        3,
    ),
    T(
        "plumbing",
        "马桶水箱一直流水",
        "水箱进水阀好像坏了，一直有细细的流水声。配件我不会买，麻烦师傅帮忙带一个。",
        "60",
        10,
        4,
    ),
    T(
        "plumbing",
        "跳闸后厨房两个插座没电",
        "昨晚烧水的时候跳闸了，推上去之后厨房还有两个插座没电，需要查一下线路。",
        "100",
        9,
        3,
        1.5,
    ),
    T(
        "plumbing",
        "帮忙换个灯泡（吊顶太高）",
        "客厅吊顶有点高，家里的梯子够不着。哪位邻居有高一点的梯子，顺手帮忙换一下？灯泡已经买好了。",
        "0",
        17,
        4,
        0.5,
    ),
    # 家具组装 furniture
    T(
        "furniture",
        "宜家PAX两门衣柜组装",
        "PAX两门衣柜，包装还没拆，说明书都在。房间空间够，立起来需要两个人。",
        "200",
        9,
        5,
        3,
    ),
    T("furniture", "帮忙装一张儿童床", "网购的实木儿童床，带护栏，零件挺多，估计要两个小时。", "60/h*2", 14, 4),
    T(
        "furniture",
        "Assemble a desk and an office chair",
        "IKEA desk and an office chair, both still in their boxes. I have a screwdriver set if you need one.",
        "120",
        10,
        4,
        2,
    ),
    T(
        "furniture",
        "书架固定到墙上（防倾倒）",
        "家里有小孩，想把两个书架用L型角码固定到墙上，打孔工具需要自带。",
        "60",
        15,
        3,
    ),
    T("furniture", "拆一张旧床方便搬走", "旧的1.5米木床要拆开，之后我们自己搬下楼。", "50", 10, 3),
    T("furniture", "安装两根窗帘杆", "两个房间的罗马杆，要在墙上打孔，杆子和配件都买好了。", "80", 14, 4, 1.5),
    # 保洁 cleaning
    T(
        "cleaning",
        "两室一厅日常保洁3小时",
        "两室一厅，主要是拖地、擦灰、厨房台面和卫生间，清洁工具家里都有。",
        "45/h*3",
        9,
        4,
    ),
    T(
        "cleaning",
        "退租前全屋深度清洁",
        "一室户退租，需要全屋深度清洁，包括厨房油污和窗户，房东要验房。",
        "50/h*5",
        9,
        8,
    ),
    T("cleaning", "擦窗户（8扇，内外侧）", "高层住户，外侧只擦能安全够到的部分，千万不要探身出去。", "150", 9, 5, 3),
    T(
        "cleaning",
        "Weekly cleaning for a small flat",
        "One-bedroom flat, about two hours: floors, bathroom and kitchen. Cleaning supplies will be left out.",
        "45/h*2",
        10,
        4,
    ),
    T("cleaning", "装修后开荒保洁", "刚装修好的两室，地上很多灰和油漆点，需要开荒保洁。", "55/h*6", 8, 10),
    T(
        "cleaning",
        "帮忙清理阳台杂物",
        "阳台堆了很多纸箱和旧花盆，帮忙整理一下，把废品拿去回收站，卖废品的钱归你。",
        "30",
        15,
        3,
        1.5,
    ),
    T("cleaning", "沙发和床垫除螨", "需要自带除螨仪，一套布艺沙发加两张床垫。", "120", 14, 4, 2),
    # 电脑维修 computer
    T(
        "computer",
        "笔记本开机很慢，帮忙重装系统",
        "联想笔记本用了五年，开机要三四分钟。资料在D盘，需要先备份再重装Win11。",
        "80",
        19,
        3,
        2,
    ),
    T(
        "computer",
        "教我妈用微信视频和扫码付款",
        "老人家刚换智能手机，想学会视频通话和扫码付款，需要耐心教一下。",
        "40/h*1",
        15,
        3,
    ),
    T(
        "computer",
        "Set up a mesh Wi-Fi at home",
        "Bought a mesh Wi-Fi kit but the signal in the bedroom is still weak. Need help placing and configuring it.",
        "100",
        19,
        3,
        1.5,
    ),
    T(
        "computer",
        "打印机换了路由器后连不上",
        "惠普打印机，换了新路由器之后就连不上电脑了，孩子上网课要打印作业。",
        "50",
        18,
        3,
    ),
    T("computer", "把旧手机里的照片导出来", "几部旧安卓手机，想把照片都导出来，存到移动硬盘里。", "60", 14, 4, 1.5),
    T(
        "computer",
        "键盘洒了咖啡，电脑还能救吗",
        "已经关机倒过来晾干了，想请懂行的邻居看看主板有没有问题。",
        "80",
        10,
        5,
    ),
    # 看护 care
    T(
        "care",
        "放学后接孩子并陪写作业",
        "孩子三年级，学校就在小区对面。4点半接到家，陪写作业到6点半我下班回来。",
        "40/h*2",
        16.5,
        2.5,
    ),
    T("care", "陪老人去社区医院复查", "我爸78岁，每月去社区医院复查一次，需要人陪着挂号、排队、取药。", "35/h*3", 8, 4),
    T("care", "周六上午帮忙看两小时孩子", "家里有事要出门，5岁男孩，很乖，在家玩乐高就行。", "40/h*2", 9, 3, 1, 5),
    T(
        "care",
        "Babysitter for Friday evening",
        "Two kids (4 and 7). Dinner is ready, we just need someone at home until we are back around 10pm.",
        "50/h*4",
        18,
        4.5,
        1,
        4,
    ),
    T("care", "陪奶奶下下象棋、聊聊天", "奶奶一个人在家，喜欢下象棋，哪位邻居下午有空陪她坐一会儿？", "0", 14, 4, 2),
    T(
        "care",
        "每天中午帮忙带一份午饭（一周）",
        "腿脚不方便，不想下楼。想找人每天中午从社区食堂带一份午饭上来，饭钱另外给。",
        "100",
        11,
        120,
        118,
    ),
    # 跑腿 errands
    T("errands", "帮忙去药店买药", "社区门口的大药房，降压药两盒，处方照片发你。", "15", 10, 3, 0.5),
    T("errands", "菜市场代买菜", "清单我发给你，大概十来样，送到家，菜钱另外转。", "20", 8, 3),
    T(
        "errands",
        "儿童医院帮忙早上排队取号",
        "想请人早上6点半去儿童医院帮忙排队取号，我7点半到了替换你。",
        "30/h*1",
        6.5,
        2,
    ),
    T(
        "errands",
        "Return a parcel at the post office",
        "One small box, the label is already printed. The post office is on Huaihai Road, about 15 minutes' walk.",
        "15",
        10,
        6,
        0.5,
    ),
    T("errands", "帮忙交物业费和水电费", "物业办公室只能现场刷卡，我这周都在上班，卡和缴费单给你。", "10", 9, 8, 0.5),
    T("errands", "帮忙取干洗的衣服", "小区门口的洗衣店，三件大衣，取衣单拍照发你。", "10", 17, 4, 0.5),
    T(
        "errands",
        "取生日蛋糕送到家",
        "蛋糕已经在南门蛋糕店订好了，下午5点以后可以取，送到我家，给孩子一个惊喜。",
        "15",
        17,
        3,
        0.5,
    ),
    # 其他 other
    T(
        "other",
        "借电钻用半小时",
        "挂一幅画要打两个孔，谁家有电钻借我用半小时，用完马上还，送一盒水果表示感谢。",
        "0",
        10,
        48,
        0.5,
    ),
    T("other", "出差一周，帮忙给阳台的花浇水", "阳台十几盆花，隔一天浇一次水，钥匙放物业。", "50", 8, 168, 166),
    T(
        "other",
        "周日教孩子骑自行车",
        "6岁女孩，想学两轮自行车，周日上午在小区中心广场练一个小时。",
        "40/h*1",
        9,
        3,
        1,
        6,
    ),
    T(
        "other",
        "Chinese conversation practice partner",
        "I'm learning Mandarin (around HSK 3). Looking for someone to chat with for an hour over coffee, the coffee "
        "is on me.",
        "60/h*1",
        19,
        2,
    ),
    T(
        "other",
        "帮忙把团购接龙整理成表格",
        "小区水果团购，需要把群里的接龙整理成Excel表格，统计数量和金额。",
        "30",
        20,
        24,
    ),
    T(
        "other",
        "周六帮忙拍一组全家福",
        "有单反的邻居帮忙在小区花园里拍一组全家福，一个小时左右，照片修几张就好。",
        "200",
        16,
        2,
        1,
        5,
    ),
)

# What happens to the jobs: (final status, how it got there, how many jobs). The seed shuffles them
# and pairs each with a template, so there are exactly as many as there are templates.
OUTCOMES = (
    ("completed", "confirm", 16),
    ("completed", "auto", 4),  # the poster never confirms: the clock does, 72 hours after the finish
    ("completed", "release", 2),  # a first helper gave it back, a second did it
    ("disputed", "plain", 1),
    ("resolved", "split", 1),
    ("open", "plain", 15),
    ("open", "release", 2),
    ("assigned", "plain", 6),
    ("in_progress", "plain", 4),
    ("done", "plain", 5),
    ("cancelled", "past_open", 2),
    ("cancelled", "past_assigned", 2),
    ("cancelled", "future_open", 2),
    ("cancelled", "future_assigned", 1),
    ("expired", "plain", 7),
    ("expired", "release", 1),
)

# Each person's opening credit, paid in to the organizer and recorded by them (the demo has no bank).
STARTING_CREDIT_YUAN = "2000"
STARTING_CREDIT_NOTE = "微信转账 WeChat transfer"
TIPS_YUAN = ("", "", "", "5", "10", "20")  # what a confirming poster adds; "": no tip
QUOTE_FACTORS = ("0.9", "1", "1.1")  # a booking applicant's quote against the posted price
MATERIALS = (("水龙头配件", "18.50"), ("膨胀螺丝一包", "6"), ("清洁剂", "12.80"), ("纸箱和胶带", "25"))  # (what, yuan)
SPLIT_NOTE = "双方各让一步：按一半结算"  # the organizer's reason for resolving a dispute half and half

# Where a job is when it is not at the poster's home.
AWAY = {
    "zh_CN": (
        "幸福里小区3号楼402（我爸妈家）",
        "阳光花园二期南门岗亭",
        "社区活动中心二楼",
        "永和豆浆旁边的老小区2号楼301",
        "东门菜鸟驿站门口",
        "阳光花园二期21栋1单元1102",
    ),
    "en": ("Lane 128, Bldg 6, Room 201", "Community centre, 2nd floor", "Phase 2, Bldg 21, Apt 1102"),
}

# The notes people add to a step, in the writer's language.
CLAIM_NOTES = {
    "zh_CN": ("按约好的时间过去，到楼下给您打电话", "好的，我带工具过去", "可以，出发前给您打电话", "没问题，交给我"),
    "en": ("On my way later today", "Happy to help!"),
}
APPLY_NOTES = {
    "zh_CN": ("我就住附近，随时可以过来", "做过很多次了，放心", "工具我自己带"),
    "en": ("I live close by and can come any time", "Done this many times"),
}
RELEASE_NOTES = {
    "zh_CN": ("临时要加班，去不了了，抱歉", "家里有急事，实在抱歉", "车坏了，今天过不去"),
    "en": ("Sorry, something came up at work",),
}
CANCEL_NOTES = {
    "zh_CN": ("家里人周末有空，自己弄好了", "时间改了，过几天重新发", "不需要了，谢谢大家", "已经找物业处理了"),
    "en": ("Plans changed, sorry!", "Sorted it out myself, thanks anyway"),
}
FINISH_NOTES = {
    "zh_CN": ("弄好了，您看一下", "已完成，钥匙放回物业了", "做完了，垃圾顺手带下楼了"),
    "en": ("All done, have a look!",),
}
CONFIRM_NOTES = {"zh_CN": ("谢谢师傅！", "辛苦了", "很满意"), "en": ("Thanks a lot!",)}
# A few words in the job's conversation once it is taken: the poster asks, the helper answers.
POSTER_ASKS = {
    "zh_CN": ("师傅您好，大概几点能到？", "到了在楼下打我电话就行", "门禁密码到了再告诉您"),
    "en": ("Hi! Roughly what time will you come?", "Ring the bell when you get here"),
}
HELPER_ANSWERS = {
    "zh_CN": ("好的，按约好的时间到", "收到，出发前跟您说一声", "没问题"),
    "en": ("Sure, I'll be there on time", "Got it, I'll message before I leave"),
}
DISPUTE_NOTES = {
    "zh_CN": ("说好的活没干完就走了", "东西磕坏了一个角，希望管理员看看"),
    "en": ("Half of the job was left undone.",),
}
STATEMENT_NOTES = {
    "zh_CN": ("约好的部分都做完了，多出来的活当时没说", "搬之前那个角就有磕痕，我拍了照片"),
    "en": ("Everything we agreed on was done.",),
}

POSTER_COMMENTS = {  # poster about the worker, by stars
    "zh_CN": {
        5: (
            "非常准时，活干得漂亮，下次还找你！",
            "很细心，走之前还把地拖了",
            "速度快态度好，推荐给邻居们",
            "人很实在，价格公道",
            "沟通很顺畅，一次就搞定了",
        ),
        4: ("整体不错，就是晚到了十分钟", "干得挺好，沟通可以再及时一点", "挺好的，下次还会找"),
        3: ("活是干完了，但是比约好的时间晚了半小时", "一般吧，走的时候地上留了点灰"),
        2: ("迟到一个多小时也没提前说，有点失望",),
    },
    "en": {
        5: ("Super helpful and right on time. Thank you!", "Careful and friendly, highly recommended."),
        4: ("Good job, a little late but kept me posted.", "Did the job well."),
        3: ("Got it done, but took longer than agreed.",),
        2: ("Arrived an hour late without a message.",),
    },
}
POSTER_COMMENTS_BY_CATEGORY = {  # extra five-star lines that only fit one kind of job
    "moving": "搬得又快又稳，衣柜一点没磕着",
    "pets": "猫咪被照顾得很好，每天还发照片给我",
    "plumbing": "问题找得很准，还教我以后怎么检查",
    "appliance": "修好了，还提醒我定期清理滤网",
    "cleaning": "打扫得特别干净，角落都擦到了",
    "computer": "讲解很耐心，我妈都学会了",
    "care": "孩子很喜欢这个大姐姐，作业也写完了",
    "parcel": "东西完好无损，放得很稳妥",
    "errands": "跑得很快，小票都拍给我了",
    "furniture": "装得很结实，包装垃圾也带走了",
}
WORKER_COMMENTS = {  # worker about the poster, by stars
    "zh_CN": {
        5: ("描述很清楚，地址好找，结账爽快", "人很好，还请我喝了水", "很好的邻居，下次有活再叫我"),
        4: ("东西比描述的多一点，不过没关系", "没有电梯，提前说一声就更好了"),
        3: ("到了等了二十分钟才开门",),
    },
    "en": {
        5: ("Clear instructions and easy to work with.", "Lovely neighbour, happy to help again."),
        4: ("A bit more than described, but fine.",),
        3: ("Had to wait a while at the door.",),
    },
}
STARS = {"good": ((5, 4, 3), (65, 28, 7)), "mixed": ((5, 4, 3, 2), (30, 40, 20, 10))}
WORKER_STARS = ((5, 4, 3), (75, 20, 5))
